import { getAlert } from '@anythingiot/services';
import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, idParam, NOT_FOUND, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { AlertDetailSchema, presentAlert, presentTimeline } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/alerts/{id}',
  tags: ['alerts'],
  summary: 'An alert with its timeline',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: { params: idParam('alr_0123456789abcdefghjk') },
  responses: {
    200: {
      description: 'The alert',
      content: { 'application/json': { schema: AlertDetailSchema } },
    },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerGetAlert(app: App) {
  app.openapi(route, async (c) => {
    const { alert, timeline } = await getAlert({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.json({ ...presentAlert(alert), timeline: presentTimeline(timeline) }, 200);
  });
}
