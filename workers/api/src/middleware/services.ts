import type { DbHandle } from '@anythingiot/db';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../deps.js';
import { toProblem } from '../lib/problem.js';

/**
 * Puts the dependencies on the context and gives the request a lazily opened database that is
 * closed once the response is done (after it is sent, on Workers).
 */
export function services(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    let handle: DbHandle | undefined;
    c.set('deps', deps);
    c.set('db', () => {
      handle ??= deps.openDb();
      return handle.db;
    });
    try {
      await next();
    } catch (err) {
      // Hono hands only Error instances to onError; the Neon driver rejects with a WebSocket
      // ErrorEvent when it cannot connect. Answer those through the same mapping here.
      if (err instanceof Error) throw err;
      c.res = toProblem(c, err);
    } finally {
      if (handle)
        await afterResponse(
          c,
          handle.close().catch(() => {}),
        );
    }
  });
}

/** `waitUntil` where the runtime has it (Workers); otherwise just wait (Node, Deno). */
export function afterResponse(c: Context, work: Promise<unknown>) {
  let executionCtx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    executionCtx = c.executionCtx;
  } catch {
    // Hono throws when the runtime passed no execution context.
  }
  if (executionCtx) executionCtx.waitUntil(work);
  else return work;
}
