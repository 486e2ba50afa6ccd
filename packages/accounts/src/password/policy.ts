import type { FieldError } from '@anythingiot/core';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The password policy (NIST 800-63B style: length over composition rules): 10–128 characters
 * and not the account's email address or its local part. Returns field errors, empty when fine.
 */
export function passwordErrors(password: string, email: string, path = 'password'): FieldError[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return [{ path, message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` }];
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return [{ path, message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` }];
  }
  const lowered = password.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  const local = address.split('@')[0] ?? '';
  if (lowered === address || (local.length > 0 && lowered === local)) {
    return [{ path, message: 'Do not use your email address as your password.' }];
  }
  return [];
}
