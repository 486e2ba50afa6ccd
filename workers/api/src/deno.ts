import { createApp } from './app.js';
import { depsFromEnv } from './compose.js';
import { parseWorkerEnv } from './env.js';

// The same app under Deno: `deno run --allow-net --allow-env dist/deno.js` (bundled by
// `npm run build:deno -w @anythingiot/api`). Deno has WebSocket and fetch built in.
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void },
    handler: (req: Request) => Response | Promise<Response>,
  ): unknown;
};

const env = Deno.env.toObject();
const app = createApp(depsFromEnv(parseWorkerEnv(env)));
Deno.serve(
  {
    port: Number(env.PORT ?? 8000),
    hostname: '127.0.0.1',
    onListen: ({ port }) => console.log(JSON.stringify({ listening: port })),
  },
  app.fetch,
);
