import { getCommand } from '@anythingiot/services';
import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, idParam, NOT_FOUND, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { CommandSchema, presentCommand } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/commands/{id}',
  tags: ['commands'],
  summary: 'Get a command and where it is in its lifecycle',
  middleware: [authorize('commands:read')] as const,
  security: API_KEY_SECURITY,
  request: { params: idParam('cmd_0123456789abcdefghjk') },
  responses: {
    200: { description: 'The command', content: { 'application/json': { schema: CommandSchema } } },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerGetCommand(app: App) {
  app.openapi(route, async (c) => {
    const command = await getCommand({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.json(presentCommand(command), 200);
  });
}
