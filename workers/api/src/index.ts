import type { ExecutionContext } from 'hono';
import { createApp } from './app.js';
import { depsFromEnv } from './compose.js';
import { parseWorkerEnv } from './env.js';

type App = ReturnType<typeof createApp>;

// Bindings are fixed for an isolate's life: parse them and build the app once, not per request.
let built: { env: unknown; app: App } | undefined;

function appFor(env: Record<string, unknown>): App {
  if (built?.env !== env) built = { env, app: createApp(depsFromEnv(parseWorkerEnv(env))) };
  return built.app;
}

export default {
  fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext) {
    return appFor(env).fetch(request, env, ctx);
  },
};
