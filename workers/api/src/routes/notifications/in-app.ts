import type { InAppNotification } from '@anythingiot/db';
import { listInApp, markInAppRead } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, INVALID, NOT_FOUND, TENANT_ROUTE_ERRORS } from '../openapi-common.js';

const tags = ['in-app notifications'];
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const userId = z
  .string()
  .openapi({ param: { name: 'userId', in: 'path' }, example: 'usr_0123456789abcdefghjk' });

const NotificationSchema = z
  .object({
    id: z.string().openapi({ example: 'ntf_0123456789abcdefghjk' }),
    alertId: z.string(),
    title: z.string(),
    body: z.string(),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('InAppNotification');

const present = (n: InAppNotification): z.infer<typeof NotificationSchema> => ({
  id: n.id,
  alertId: n.alertId,
  title: n.title,
  body: n.body,
  readAt: n.readAt ? n.readAt.toISOString() : null,
  createdAt: n.createdAt.toISOString(),
});

const list = createRoute({
  method: 'get',
  path: '/v1/users/{userId}/notifications',
  tags,
  summary: 'A user’s in-app notifications, newest first',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: z.object({ userId }),
    query: z.object({
      unread: z.enum(['true', 'false']).default('false'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: {
      description: 'Notifications',
      ...json(z.object({ items: z.array(NotificationSchema) })),
    },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const read = createRoute({
  method: 'post',
  path: '/v1/users/{userId}/notifications/{id}/read',
  tags,
  summary: 'Mark an in-app notification read',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: z.object({
      userId,
      id: z
        .string()
        .openapi({ param: { name: 'id', in: 'path' }, example: 'ntf_0123456789abcdefghjk' }),
    }),
  },
  responses: {
    200: { description: 'Read', ...json(NotificationSchema) },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerInAppRoutes(app: App) {
  app.openapi(list, async (c) => {
    const { unread, limit } = c.req.valid('query');
    const items = await listInApp({
      ctx: c.var.ctx,
      input: { userId: c.req.valid('param').userId, unread: unread === 'true', limit },
    });
    return c.json({ items: items.map(present) }, 200);
  });
  app.openapi(read, async (c) => {
    return c.json(
      present(await markInAppRead({ ctx: c.var.ctx, input: c.req.valid('param') })),
      200,
    );
  });
}
