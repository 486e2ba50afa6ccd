/** Postgres SQLSTATE of an error from either driver (pg or the Neon driver), if any. */
export function pgErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  // drizzle wraps driver errors; the SQLSTATE sits on the cause.
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') {
      return current.code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function constraintOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current === 'object' && 'constraint' in current) {
      return String(current.constraint);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for a unique violation, optionally of one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return pgErrorCode(err) === '23505' && (!constraint || constraintOf(err) === constraint);
}
