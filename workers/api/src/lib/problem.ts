import {
  isDomainError,
  PROBLEM_BASE,
  type Problem,
  problemFromDomainError,
} from '@anythingiot/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isStorageUnavailable } from './storage.js';

export type { Problem } from '@anythingiot/core';

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
    const { problem, retryAfterSeconds } = problemFromDomainError(err);
    return problemResponse(c, problem, retryAfterSeconds);
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
