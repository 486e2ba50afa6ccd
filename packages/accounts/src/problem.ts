import {
  isDomainError,
  PROBLEM_BASE,
  type Problem,
  problemFromDomainError,
} from '@anythingiot/core';

export type { Problem } from '@anythingiot/core';

/**
 * An RFC 9457 `application/problem+json` Response for anything an accounts use case threw, for
 * the dashboard's routes (the same shape and mapping the api answers with: core's
 * `problemFromDomainError`). Unknown errors get a generic detail, never their message.
 */
export function problemResponse(err: unknown, instance?: string): Response {
  const headers = new Headers({ 'content-type': 'application/problem+json' });
  let problem: Problem;
  if (isDomainError(err)) {
    const mapped = problemFromDomainError(err);
    problem = mapped.problem;
    if (mapped.retryAfterSeconds !== undefined) {
      headers.set('retry-after', String(mapped.retryAfterSeconds));
    }
  } else {
    problem = {
      type: `${PROBLEM_BASE}internal`,
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side.',
      code: 'internal',
    };
  }
  if (instance) problem.instance = instance;
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
