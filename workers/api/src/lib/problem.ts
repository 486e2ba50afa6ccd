import { type DomainErrorCode, type FieldError, isDomainError } from '@anythingiot/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isStorageUnavailable } from './storage.js';

/** RFC 9457 problem details, plus our `code` and field `errors`. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: FieldError[];
};

const PROBLEM_BASE = 'https://docs.anythingiot.dev/problems/';

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

/** Builds an `application/problem+json` response; `Retry-After` when the caller may retry. */
export function problemResponse(
  c: Context,
  problem: Omit<Problem, 'type' | 'instance'> & { type?: string },
  retryAfterSeconds?: number,
): Response {
  const body: Problem = {
    type: problem.type ?? `${PROBLEM_BASE}${problem.code}`,
    instance: c.get('requestId'),
    ...problem,
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, headers);
}

/**
 * The one mapping from anything thrown to an answer. Domain errors say what went wrong;
 * anything else is a bug: logged with its stack, answered with a generic detail.
 */
export function toProblem(c: Context, err: unknown): Response {
  if (isDomainError(err)) {
    const { status, title } = BY_CODE[err.code];
    return problemResponse(
      c,
      {
        title,
        status,
        detail: err.message,
        code: err.details.reason ?? err.code.toLowerCase(),
        ...(err.details.errors ? { errors: err.details.errors } : {}),
      },
      err.details.retryAfterSeconds ?? (status === 503 || status === 429 ? 5 : undefined),
    );
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (e.g. a body it could not parse): say so plainly.
    return problemResponse(c, {
      title: 'Bad request',
      status: err.status,
      detail: err.message || 'The request could not be understood.',
      code: 'bad_request',
    });
  }
  c.set('error', err);
  if (isStorageUnavailable(err)) {
    return problemResponse(
      c,
      {
        title: 'Service unavailable',
        status: 503,
        detail: 'Storage is unavailable; retry later.',
        code: 'storage_unavailable',
      },
      5,
    );
  }
  return problemResponse(c, {
    title: 'Internal error',
    status: 500,
    detail: 'Something went wrong on our side. Quote the instance id when contacting support.',
    code: 'internal',
  });
}
