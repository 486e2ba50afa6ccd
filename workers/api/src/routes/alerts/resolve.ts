import { resolve } from '@anythingiot/services';
import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  CONFLICT,
  INVALID,
  idParam,
  json,
  jsonBody,
  NOT_FOUND,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';
import { AlertSchema, presentAlert, ResolveSchema } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/alerts/{id}/resolve',
  tags: ['alerts'],
  summary: 'Resolve an alert by hand, with a reason',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('alr_0123456789abcdefghjk'),
    ...jsonBody(ResolveSchema),
  },
  responses: {
    200: { description: 'Resolved', ...json(AlertSchema) },
    ...NOT_FOUND,
    ...CONFLICT,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerResolveAlert(app: App) {
  app.openapi(route, async (c) => {
    const alert = await resolve({
      ctx: c.var.ctx,
      input: { id: c.req.valid('param').id, ...c.req.valid('json') },
    });
    return c.json(presentAlert(alert), 200);
  });
}
