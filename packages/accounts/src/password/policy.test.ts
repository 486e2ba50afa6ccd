import { describe, expect, it } from 'vitest';
import { passwordErrors } from './policy.js';

describe('password policy', () => {
  const email = 'Ada.Lovelace@Example.test';
  it.each([
    ['123456789', 'Use at least 10 characters.'],
    ['x'.repeat(129), 'Use at most 128 characters.'],
    ['ada.lovelace@example.TEST', 'Do not use your email address as your password.'],
    ['  Ada.Lovelace@Example.test ', 'Do not use your email address as your password.'],
    ['ada.lovelace', 'Do not use your email address as your password.'],
  ])('%j is refused: %s', (password, message) => {
    expect(passwordErrors(password, email)).toEqual([{ path: 'password', message }]);
  });

  it.each(['1234567890', 'x'.repeat(128), 'correct horse battery', 'ada.lovelace!'])(
    '%j passes',
    (password) => {
      expect(passwordErrors(password, email)).toEqual([]);
    },
  );

  it('reports under the given field path', () => {
    expect(passwordErrors('short', email, 'newPassword')[0]?.path).toBe('newPassword');
  });
});
