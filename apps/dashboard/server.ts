// The dashboard Worker: static assets (build/client) are served by Cloudflare before this runs;
// everything else is a Remix request with the same load context `remix vite:dev` builds.
import { createRequestHandler, type ServerBuild } from '@remix-run/cloudflare';
// @ts-expect-error: produced by `remix vite:build` before wrangler bundles this file.
import * as build from './build/server/index.js';
import type { DashboardLoadContext } from './load-context';

const handleRemixRequest = createRequestHandler(build as unknown as ServerBuild);

export default {
  async fetch(
    request: Request,
    env: Record<string, unknown>,
    ctx: { waitUntil(promise: Promise<unknown>): void },
  ): Promise<Response> {
    const loadContext: DashboardLoadContext = { cloudflare: { env, ctx } };
    try {
      return await handleRemixRequest(request, loadContext);
    } finally {
      // The request's database pool must not outlive it (Workers forbid sharing sockets).
      const app = loadContext.app;
      if (app) ctx.waitUntil(app.close());
    }
  },
};
