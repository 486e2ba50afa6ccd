import { listAlerts } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, INVALID, PAGE_QUERY, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { AlertSchema, presentAlert } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/alerts',
  tags: ['alerts'],
  summary: 'List alerts, newest first',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: {
    query: z.object({
      status: z.enum(['active', 'acknowledged', 'resolved']).optional(),
      severity: z.enum(['info', 'warning', 'critical']).optional(),
      kind: z.enum(['excursion', 'offline']).optional(),
      deviceId: z.string().optional(),
      facilityId: z.string().optional(),
      from: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({ description: 'Raised at or after' }),
      to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Raised before' }),
      ...PAGE_QUERY,
    }),
  },
  responses: {
    200: {
      description: 'One page',
      content: {
        'application/json': {
          schema: z
            .object({ items: z.array(AlertSchema), nextCursor: z.string().nullable() })
            .openapi('AlertPage'),
        },
      },
    },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerListAlerts(app: App) {
  app.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const page = await listAlerts({
      ctx: c.var.ctx,
      input: {
        ...q,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
    });
    return c.json({ items: page.items.map(presentAlert), nextCursor: page.nextCursor }, 200);
  });
}
