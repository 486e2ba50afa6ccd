import type { Problem } from '@anythingiot/accounts';

/** The problem a refused request carried (thrown responses arrive as JSON text). */
export function problemOf(data: unknown): Problem | null {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (value && typeof value === 'object' && 'problem' in value) value = value.problem;
  if (value && typeof value === 'object' && 'status' in value && 'detail' in value) {
    return value as Problem;
  }
  return null;
}

/** The message for one field of a refused form, if the server named it. */
export function fieldError(problem: Problem | null | undefined, path: string): string | undefined {
  return problem?.errors?.find((e) => e.path === path)?.message;
}
