import type { AppContext } from './app/server/context.server';

/** What the Worker entry (server.ts) and `remix vite:dev` hand every loader and action. */
export type DashboardLoadContext = {
  cloudflare: {
    env: Record<string, unknown>;
    ctx: { waitUntil(promise: Promise<unknown>): void };
  };
  /** Built on first use by `appContext()`; the Worker entry closes it after the response. */
  app?: AppContext;
};

declare module '@remix-run/cloudflare' {
  interface AppLoadContext extends DashboardLoadContext {}
}
