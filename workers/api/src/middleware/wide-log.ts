import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../deps.js';

/** One log line per request with what happened, how long it took, and any bug's stack. */
export function wideLog(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = deps.now();
    await next();
    const error = c.get('error');
    deps.log({
      at: new Date(started).toISOString(),
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: deps.now() - started,
      ...(error instanceof Error ? { error: error.message, stack: error.stack } : {}),
      ...(error !== undefined && !(error instanceof Error) ? { error: String(error) } : {}),
    });
  });
}
