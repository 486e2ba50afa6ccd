import { acknowledge } from '@anythingiot/services';
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
import { AcknowledgeSchema, AlertSchema, presentAlert } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/alerts/{id}/acknowledge',
  tags: ['alerts'],
  summary: 'Acknowledge an alert (a comment or a reason code is required)',
  description:
    'Stops escalation. If the condition has already cleared, the alert resolves at once. Of two concurrent acknowledgements one wins; the other gets 409.',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('alr_0123456789abcdefghjk'),
    ...jsonBody(AcknowledgeSchema),
  },
  responses: {
    200: { description: 'Acknowledged', ...json(AlertSchema) },
    ...NOT_FOUND,
    ...CONFLICT,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerAcknowledgeAlert(app: App) {
  app.openapi(route, async (c) => {
    const alert = await acknowledge({
      ctx: c.var.ctx,
      input: { id: c.req.valid('param').id, ...c.req.valid('json') },
    });
    return c.json(presentAlert(alert), 200);
  });
}
