import {
  vitePlugin as remix,
  cloudflareDevProxyVitePlugin as remixCloudflareDevProxy,
} from '@remix-run/dev';
import { defineConfig } from 'vite';
import type { DashboardLoadContext } from './load-context';

// `remix vite:dev` runs loaders in Node with the same load context the Worker builds
// (server.ts); its env comes from the file `npm run dev` writes (DASHBOARD_ENV_FILE).
export default defineConfig({
  plugins: [
    remixCloudflareDevProxy({
      // A fresh context per request (the plugin would otherwise share one).
      getLoadContext: ({ context }): DashboardLoadContext => ({
        cloudflare: context.cloudflare as DashboardLoadContext['cloudflare'],
      }),
      envFiles: process.env.DASHBOARD_ENV_FILE ? [process.env.DASHBOARD_ENV_FILE] : [],
      persist: false,
      remoteBindings: false,
    }),
    remix({
      // `npm run dev` builds into a staging directory and moves the result under build/, so the
      // dashboard Worker that wrangler dev serves never sees a half-written build.
      buildDirectory: process.env.DASHBOARD_BUILD_DIR ?? 'build',
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  resolve: { alias: { '~': new URL('./app', import.meta.url).pathname } },
  server: { port: Number(process.env.DASHBOARD_PORT ?? 5173), strictPort: true },
});
