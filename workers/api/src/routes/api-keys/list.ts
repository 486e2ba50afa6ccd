import { listApiKeys } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { ApiKeySchema, presentApiKey } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/api-keys',
  tags: ['api keys'],
  summary: 'List the tenant’s API keys (never the keys themselves)',
  middleware: [authorize('api_keys:read')] as const,
  security: API_KEY_SECURITY,
  responses: {
    200: {
      description: 'All keys, revoked ones included',
      content: { 'application/json': { schema: z.object({ items: z.array(ApiKeySchema) }) } },
    },
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerListApiKeys(app: App) {
  app.openapi(route, async (c) => {
    const keys = await listApiKeys({ ctx: c.var.ctx });
    return c.json({ items: keys.map(presentApiKey) }, 200);
  });
}
