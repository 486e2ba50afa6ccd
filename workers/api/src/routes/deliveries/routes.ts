import type { Delivery } from '@anythingiot/db';
import { getDelivery, listDeliveries } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  INVALID,
  idParam,
  json,
  NOT_FOUND,
  PAGE_QUERY,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';

const tags = ['deliveries'];
const CHANNELS = ['email', 'sms', 'webhook', 'in_app'] as const;
const STATUSES = ['pending', 'sent', 'failed', 'dead'] as const;

const DeliverySchema = z
  .object({
    id: z.string().openapi({ example: 'dlv_0123456789abcdefghjk' }),
    alertId: z.string(),
    tier: z.number().int(),
    repeat: z.number().int(),
    channel: z.enum(CHANNELS),
    recipient: z.string().openapi({ description: 'Email, phone, webhook URL or user id' }),
    userId: z.string().nullable(),
    webhookEndpointId: z.string().nullable(),
    status: z.enum(STATUSES).openapi({
      description: '`failed`: an attempt failed and QStash will retry; `dead`: retries exhausted',
    }),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    providerId: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('Delivery');

const present = (d: Delivery): z.infer<typeof DeliverySchema> => ({
  id: d.id,
  alertId: d.alertId,
  tier: d.tier,
  repeat: d.repeat,
  channel: d.channel,
  recipient: d.recipient,
  userId: d.userId,
  webhookEndpointId: d.webhookEndpointId,
  status: d.status,
  attempts: d.attempts,
  lastError: d.lastError,
  providerId: d.providerId,
  createdAt: d.createdAt.toISOString(),
  sentAt: d.sentAt ? d.sentAt.toISOString() : null,
});

const list = createRoute({
  method: 'get',
  path: '/v1/deliveries',
  tags,
  summary: 'List notification deliveries (status=dead lists the dead letters)',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: {
    query: z.object({
      alertId: z.string().optional(),
      status: z.enum(STATUSES).optional(),
      channel: z.enum(CHANNELS).optional(),
      ...PAGE_QUERY,
    }),
  },
  responses: {
    200: {
      description: 'One page, newest first',
      ...json(
        z
          .object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() })
          .openapi('DeliveryPage'),
      ),
    },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/deliveries/{id}',
  tags,
  summary: 'Get one delivery',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: { params: idParam('dlv_0123456789abcdefghjk') },
  responses: {
    200: { description: 'The delivery', ...json(DeliverySchema) },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerDeliveryRoutes(app: App) {
  app.openapi(list, async (c) => {
    const page = await listDeliveries({ ctx: c.var.ctx, input: c.req.valid('query') });
    return c.json({ items: page.items.map(present), nextCursor: page.nextCursor }, 200);
  });
  app.openapi(get, async (c) => {
    return c.json(present(await getDelivery({ ctx: c.var.ctx, input: c.req.valid('param') })), 200);
  });
}
