import { revokeApiKey } from '@anythingiot/services';
import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  CONFLICT,
  idParam,
  json,
  NOT_FOUND,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';
import { ApiKeySchema, presentApiKey } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/api-keys/{id}/revoke',
  tags: ['api keys'],
  summary: 'Revoke an API key, effective immediately',
  middleware: [authorize('api_keys:write')] as const,
  security: API_KEY_SECURITY,
  request: { params: idParam('key_0123456789abcdefghjk') },
  responses: {
    200: { description: 'Revoked', ...json(ApiKeySchema) },
    ...NOT_FOUND,
    ...CONFLICT,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerRevokeApiKey(app: App) {
  app.openapi(route, async (c) => {
    const key = await revokeApiKey({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.json(presentApiKey(key), 200);
  });
}
