import { roomTokenKey } from '@anythingiot/core';
import type { ExecutionContext } from 'hono';
import { createApp } from './app.js';
import type { AppDeps } from './deps.js';
import { parseWorkerEnv } from './env.js';
import { admitDevice } from './rooms/device-admission.js';
import { routeRooms } from './rooms.js';
import { workerDeps } from './worker-deps.js';

// The room Durable Objects live in this Worker (wrangler.toml binds them by class name).
export { TenantRoom } from '@anythingiot/realtime';
export { DeviceRoom } from './rooms/device-room.js';

type App = ReturnType<typeof createApp>;
type Built = { env: unknown; app: App; deps: AppDeps; tokenKey: Promise<CryptoKey> };

// Bindings are fixed for an isolate's life: parse them and build the app once, not per request.
let built: Built | undefined;

function build(env: Record<string, unknown>): Built {
  if (built?.env !== env) {
    const deps = workerDeps(env);
    built = {
      env,
      app: createApp(deps),
      deps,
      tokenKey: roomTokenKey(parseWorkerEnv(env).REALTIME_TOKEN_SECRET),
    };
  }
  return built;
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext) {
    const { app, deps, tokenKey } = build(env);
    // /parties/<party>/<room>: the rooms' WebSockets, admitted (or refused) before the app.
    const room = await routeRooms(request, env, {
      tokenKey,
      admitDevice: (req, deviceId) => admitDevice(deps, req, deviceId),
    });
    return room ?? app.fetch(request, env, ctx);
  },
};
