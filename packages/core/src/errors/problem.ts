import type { DomainError, DomainErrorCode, FieldError } from './domain-error.js';

/** RFC 9457 problem details, plus our `code` and field `errors`: every refusal's shape. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: FieldError[];
};

export const PROBLEM_BASE = 'https://docs.anythingiot.dev/problems/';

const BY_CODE: Record<DomainErrorCode, { status: number; title: string }> = {
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  VALIDATION: { status: 422, title: 'Invalid request' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthenticated' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  LIMIT_EXCEEDED: { status: 413, title: 'Too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
};

/**
 * The one mapping from a domain error to what the caller is told (the api, the dashboard and
 * the accounts routes all answer through it): status, title, code (the reason when there is
 * one), the error's own sentence and its field errors; `retryAfterSeconds` for 429 and 503.
 */
export function problemFromDomainError(err: DomainError): {
  problem: Problem;
  retryAfterSeconds: number | undefined;
} {
  const { status, title } = BY_CODE[err.code];
  const code = err.details.reason ?? err.code.toLowerCase();
  return {
    problem: {
      type: `${PROBLEM_BASE}${code}`,
      title,
      status,
      detail: err.message,
      code,
      ...(err.details.errors ? { errors: err.details.errors } : {}),
    },
    retryAfterSeconds:
      err.details.retryAfterSeconds ?? (status === 429 || status === 503 ? 5 : undefined),
  };
}
