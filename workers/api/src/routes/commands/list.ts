import { COMMAND_STATUSES } from '@anythingiot/core';
import { listDeviceCommands } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  INVALID,
  idParam,
  NOT_FOUND,
  PAGE_QUERY,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';
import { CommandSchema, presentCommand } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/devices/{id}/commands',
  tags: ['commands'],
  summary: "A device's commands, newest first",
  middleware: [authorize('commands:read')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('dev_0123456789abcdefghjk'),
    query: z.object({
      status: z.enum(COMMAND_STATUSES).optional(),
      ...PAGE_QUERY,
    }),
  },
  responses: {
    200: {
      description: 'One page',
      content: {
        'application/json': {
          schema: z
            .object({ items: z.array(CommandSchema), nextCursor: z.string().nullable() })
            .openapi('CommandPage'),
        },
      },
    },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerListDeviceCommands(app: App) {
  app.openapi(route, async (c) => {
    const page = await listDeviceCommands({
      ctx: c.var.ctx,
      input: { ...c.req.valid('query'), deviceId: c.req.valid('param').id },
    });
    return c.json({ items: page.items.map(presentCommand), nextCursor: page.nextCursor }, 200);
  });
}
