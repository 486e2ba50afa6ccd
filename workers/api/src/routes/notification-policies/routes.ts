import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  replacePolicy,
} from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  INVALID,
  idParam,
  json,
  jsonBody,
  NOT_FOUND,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';
import {
  NotificationPolicyBodySchema,
  NotificationPolicyOutSchema,
  presentPolicy,
} from './schemas.js';

// The five policy routes live together (as alert rules do): a few lines each, shared schemas.
const tags = ['notification policies'];
const body = jsonBody(NotificationPolicyBodySchema);
const param = idParam('npl_0123456789abcdefghjk');

const list = createRoute({
  method: 'get',
  path: '/v1/notification-policies',
  tags,
  summary: 'List notification policies',
  description:
    'An alert uses its facility’s policy covering its severity, else the tenant-wide one, else the built-in default (owners, admins and managers by email and in-app at once, with SMS after 15 minutes).',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  responses: {
    200: {
      description: 'Policies',
      ...json(z.object({ items: z.array(NotificationPolicyOutSchema) })),
    },
    ...TENANT_ROUTE_ERRORS,
  },
});

const create = createRoute({
  method: 'post',
  path: '/v1/notification-policies',
  tags,
  summary: 'Create a notification policy (audited)',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: body,
  responses: {
    201: { description: 'Created', ...json(NotificationPolicyOutSchema) },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/notification-policies/{id}',
  tags,
  summary: 'Get a notification policy',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: { params: param },
  responses: {
    200: { description: 'The policy', ...json(NotificationPolicyOutSchema) },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

const replace = createRoute({
  method: 'put',
  path: '/v1/notification-policies/{id}',
  tags,
  summary: 'Replace a notification policy (audited with before and after)',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: { params: param, ...body },
  responses: {
    200: { description: 'Replaced', ...json(NotificationPolicyOutSchema) },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/notification-policies/{id}',
  tags,
  summary: 'Delete a notification policy (audited)',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: { params: param },
  responses: { 204: { description: 'Deleted' }, ...NOT_FOUND, ...TENANT_ROUTE_ERRORS },
});

export function registerNotificationPolicyRoutes(app: App) {
  app.openapi(list, async (c) => {
    const items = await listPolicies({ ctx: c.var.ctx });
    return c.json({ items: items.map(presentPolicy) }, 200);
  });
  app.openapi(create, async (c) => {
    const policy = await createPolicy({ ctx: c.var.ctx, input: c.req.valid('json') });
    return c.json(presentPolicy(policy), 201);
  });
  app.openapi(get, async (c) => {
    const policy = await getPolicy({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.json(presentPolicy(policy), 200);
  });
  app.openapi(replace, async (c) => {
    const policy = await replacePolicy({
      ctx: c.var.ctx,
      input: { id: c.req.valid('param').id, ...c.req.valid('json') },
    });
    return c.json(presentPolicy(policy), 200);
  });
  app.openapi(remove, async (c) => {
    await deletePolicy({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
