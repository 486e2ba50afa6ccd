import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';

const route = createRoute({
  method: 'get',
  path: '/v1/health',
  tags: ['health'],
  summary: 'Liveness: the Worker answers',
  responses: {
    200: {
      description: 'The Worker is running',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

/** GET /v1/health — touches no dependency, so a load balancer can poll it cheaply. */
export function registerHealthLive(app: App) {
  app.openapi(route, (c) => c.json({ status: 'ok' as const }, 200));
}
