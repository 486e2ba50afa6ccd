import { listDevices } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, INVALID, PAGE_QUERY, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { DeviceSchema, presentDevice } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/devices',
  tags: ['devices'],
  summary: 'List devices',
  description:
    'Pages through the tenant’s devices in registration order; pass `nextCursor` back as `cursor`.',
  middleware: [authorize('devices:read')] as const,
  security: API_KEY_SECURITY,
  request: {
    query: z.object({
      facilityId: z.string().optional(),
      status: z.enum(['active', 'revoked']).optional(),
      tag: z.string().optional(),
      ...PAGE_QUERY,
    }),
  },
  responses: {
    200: {
      description: 'One page',
      content: {
        'application/json': {
          schema: z
            .object({ items: z.array(DeviceSchema), nextCursor: z.string().nullable() })
            .openapi('DevicePage'),
        },
      },
    },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerListDevices(app: App) {
  app.openapi(route, async (c) => {
    const page = await listDevices({ ctx: c.var.ctx, input: c.req.valid('query') });
    return c.json({ items: page.items.map(presentDevice), nextCursor: page.nextCursor }, 200);
  });
}
