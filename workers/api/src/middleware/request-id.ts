import { newId } from '@anythingiot/core';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../deps.js';

const SAFE_ID = /^[A-Za-z0-9_.:-]{8,64}$/;

/** Takes a well-formed `X-Request-Id` from upstream (tracing across hops) or makes one. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && SAFE_ID.test(incoming) ? incoming : newId('request');
  c.set('requestId', id);
  await next();
  c.res.headers.set('x-request-id', id);
});
