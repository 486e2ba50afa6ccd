import { roomTokenKey } from '@anythingiot/core';
import { DeviceRoomServer, routeRooms } from '@anythingiot/rooms';
import type { ExecutionContext } from 'hono';
import { createApp } from './app.js';
import type { AppDeps } from './deps.js';
import { parseWorkerEnv } from './env.js';
import { connectAuthenticator, deviceRoomPorts } from './room-ports.js';
import { workerDeps } from './worker-deps.js';

// The room Durable Objects live in this Worker (wrangler.toml binds them by class name); their
// code is @anythingiot/rooms, the device room's ports are composed here from the same bindings.
export { TenantRoom } from '@anythingiot/rooms';
export class DeviceRoom extends DeviceRoomServer {
  protected override compose(env: Record<string, unknown>) {
    return deviceRoomPorts(workerDeps(env));
  }
}

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
      authenticateDevice: connectAuthenticator(deps),
      log: (event) => deps.log(event),
    });
    return room ?? app.fetch(request, env, ctx);
  },
};
