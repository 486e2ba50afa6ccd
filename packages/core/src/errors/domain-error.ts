/**
 * The closed set of things that can go wrong in the domain. No HTTP here: the api maps codes
 * to problem responses in one place (`toProblem`).
 */
export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

/** A field-level problem, e.g. `{ path: 'readings.3.ts', message: 'in the future' }`. */
export type FieldError = { path: string; message: string };

/** An expected failure with a code the edge maps to an answer; never a bug. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: {
      /** Machine-readable reason within the code, e.g. `stale_timestamp`. */
      reason?: string;
      errors?: FieldError[];
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Narrowing helper that also works across bundles (no instanceof across realms). */
export function isDomainError(err: unknown): err is DomainError {
  return err instanceof Error && err.name === 'DomainError' && 'code' in err;
}
