import { createApiKey } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, INVALID, NO_STORE, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { ApiKeySchema, NewApiKeySchema, presentApiKey } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/api-keys',
  tags: ['api keys'],
  summary: 'Create an API key (shown once)',
  description:
    'Only a hash of the key is stored. A key can grant only scopes it holds itself (403 `scope_escalation` otherwise).',
  middleware: [authorize('api_keys:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    body: { required: true, content: { 'application/json': { schema: NewApiKeySchema } } },
  },
  responses: {
    201: {
      description: 'Created',
      content: {
        'application/json': {
          schema: ApiKeySchema.extend({ key: z.string() }).openapi('CreatedApiKey'),
        },
      },
    },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerCreateApiKey(app: App) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const created = await createApiKey({
      ctx: c.var.ctx,
      input: {
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
      },
    });
    return c.json({ ...presentApiKey(created), key: created.key }, 201, NO_STORE);
  });
}
