import { type DomainErrorCode, type FieldError, isDomainError } from '@anythingiot/core';

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

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
};

/**
 * An RFC 9457 `application/problem+json` Response for anything an accounts use case threw, for
 * the dashboard's resource routes (the same shape the api answers). Unknown errors get a
 * generic detail, never their message; 429 and 503 carry `Retry-After`.
 */
export function problemResponse(err: unknown, instance?: string): Response {
  const headers = new Headers({ 'content-type': 'application/problem+json' });
  let problem: Problem;
  if (isDomainError(err)) {
    const { status, title } = BY_CODE[err.code];
    const code = err.details.reason ?? err.code.toLowerCase();
    problem = {
      type: `https://docs.anythingiot.dev/problems/${code}`,
      title,
      status,
      detail: err.message,
      code,
      ...(err.details.errors ? { errors: err.details.errors } : {}),
    };
    const retry = err.details.retryAfterSeconds ?? (status === 429 || status === 503 ? 5 : null);
    if (retry !== null) headers.set('retry-after', String(retry));
  } else {
    problem = {
      type: 'https://docs.anythingiot.dev/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side.',
      code: 'internal',
    };
  }
  if (instance) problem.instance = instance;
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
