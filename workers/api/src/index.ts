import { roomTokenKey } from '@anythingiot/core';
import { type RoomNamespace, roomPublisher } from '@anythingiot/realtime/publisher';
import type { ExecutionContext } from 'hono';
import { createApp } from './app.js';
import { depsFromEnv } from './compose.js';
import { parseWorkerEnv } from './env.js';
import { routeRooms } from './rooms.js';

// The room Durable Objects live in this Worker (wrangler.toml binds them by class name).
export { TenantRoom } from '@anythingiot/realtime';

type App = ReturnType<typeof createApp>;
type Built = { env: unknown; app: App; tokenKey: Promise<CryptoKey> };

// Bindings are fixed for an isolate's life: parse them and build the app once, not per request.
let built: Built | undefined;

function build(env: Record<string, unknown>): Built {
  if (built?.env !== env) {
    const parsed = parseWorkerEnv(env);
    const live = roomPublisher(env.TENANT as RoomNamespace, (event) =>
      console.log(JSON.stringify(event)),
    );
    built = {
      env,
      app: createApp(depsFromEnv(parsed, { live })),
      tokenKey: roomTokenKey(parsed.REALTIME_TOKEN_SECRET),
    };
  }
  return built;
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext) {
    const { app, tokenKey } = build(env);
    // /parties/<party>/<room>: the rooms' WebSockets, admitted (or refused) before the app.
    const room = await routeRooms(request, env, { tokenKey });
    return room ?? app.fetch(request, env, ctx);
  },
};
