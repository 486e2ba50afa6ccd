import type { WebhookEndpoint } from '@anythingiot/db';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  setWebhookEndpointEnabled,
} from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  INVALID,
  idParam,
  NO_STORE,
  NOT_FOUND,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';

const tags = ['webhook endpoints'];
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const param = idParam('whk_0123456789abcdefghjk');

export const WebhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: 'whk_0123456789abcdefghjk' }),
    name: z.string(),
    url: z.string(),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('WebhookEndpoint');

const NewWebhookEndpointSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2_000)
      .openapi({
        description:
          'Where deliveries are POSTed: https, to a public host. Loopback, private, link-local, CGNAT, unique-local and metadata addresses or names are refused (422 on `url`), and checked again before every send.',
      }),
  })
  .strict()
  .openapi('NewWebhookEndpoint');

const present = (e: WebhookEndpoint): z.infer<typeof WebhookEndpointSchema> => ({
  id: e.id,
  name: e.name,
  url: e.url,
  enabled: e.enabled,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

const create = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints',
  tags,
  summary: 'Register a webhook endpoint',
  description:
    'Deliveries carry `AnythingIoT-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. The secret is in this answer only: it is stored encrypted and never shown again.',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: { body: { required: true, ...json(NewWebhookEndpointSchema) } },
  responses: {
    201: {
      description: 'Registered',
      ...json(
        z
          .object({ endpoint: WebhookEndpointSchema, secret: z.string() })
          .openapi('CreatedWebhookEndpoint'),
      ),
    },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints',
  tags,
  summary: 'List webhook endpoints',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  responses: {
    200: { description: 'Endpoints', ...json(z.object({ items: z.array(WebhookEndpointSchema) })) },
    ...TENANT_ROUTE_ERRORS,
  },
});

const toggle = (enabled: boolean) =>
  createRoute({
    method: 'post',
    path: `/v1/webhook-endpoints/{id}/${enabled ? 'enable' : 'disable'}`,
    tags,
    summary: enabled
      ? 'Enable a webhook endpoint'
      : 'Disable a webhook endpoint (its pending deliveries end dead)',
    middleware: [authorize('alerts:write')] as const,
    security: API_KEY_SECURITY,
    request: { params: param },
    responses: {
      200: { description: 'Done', ...json(WebhookEndpointSchema) },
      ...NOT_FOUND,
      ...TENANT_ROUTE_ERRORS,
    },
  });

const remove = createRoute({
  method: 'delete',
  path: '/v1/webhook-endpoints/{id}',
  tags,
  summary: 'Delete a webhook endpoint (past deliveries keep their record)',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: { params: param },
  responses: { 204: { description: 'Deleted' }, ...NOT_FOUND, ...TENANT_ROUTE_ERRORS },
});

export function registerWebhookEndpointRoutes(app: App) {
  app.openapi(create, async (c) => {
    const { endpoint, secret } = await createWebhookEndpoint({
      ctx: c.var.ctx,
      input: c.req.valid('json'),
    });
    return c.json({ endpoint: present(endpoint), secret }, 201, NO_STORE);
  });
  app.openapi(list, async (c) => {
    const items = await listWebhookEndpoints({ ctx: c.var.ctx });
    return c.json({ items: items.map(present) }, 200);
  });
  for (const enabled of [true, false]) {
    app.openapi(toggle(enabled), async (c) => {
      const endpoint = await setWebhookEndpointEnabled({
        ctx: c.var.ctx,
        input: { id: c.req.valid('param').id, enabled },
      });
      return c.json(present(endpoint), 200);
    });
  }
  app.openapi(remove, async (c) => {
    await deleteWebhookEndpoint({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
