import { RULE_PRESETS } from '@anythingiot/core';
import {
  archiveAlertRule,
  createAlertRule,
  getAlertRule,
  listAlertRules,
  updateAlertRule,
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
  AlertRuleChangeSchema,
  AlertRuleSchema,
  ArchiveSchema,
  NewAlertRuleSchema,
  presentRule,
} from './schemas.js';

// The six alert-rule routes live together: each is a few lines, and they share their schemas.
const tags = ['alert rules'];
const param = idParam('arl_0123456789abcdefghjk');

const list = createRoute({
  method: 'get',
  path: '/v1/alert-rules',
  tags,
  summary: 'List alert rules',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: {
    query: z.object({
      deviceId: z.string().optional(),
      facilityId: z.string().optional(),
      metric: z.string().optional(),
      includeArchived: z.enum(['true', 'false']).default('false'),
    }),
  },
  responses: {
    200: { description: 'Rules', ...json(z.object({ items: z.array(AlertRuleSchema) })) },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const presets = createRoute({
  method: 'get',
  path: '/v1/alert-rules/presets',
  tags,
  summary: 'Rule presets per industry (pharma 2–8 °C, frozen, CRT, HACCP chilled, door)',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  responses: {
    200: { description: 'Presets', ...json(z.object({ items: z.array(z.unknown()) })) },
    ...TENANT_ROUTE_ERRORS,
  },
});

const create = createRoute({
  method: 'post',
  path: '/v1/alert-rules',
  tags,
  summary: 'Create an alert rule',
  description:
    'Contradictory thresholds, negative durations, unknown metrics and scopes outside the tenant answer 422 naming the field.',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: jsonBody(NewAlertRuleSchema),
  responses: {
    201: { description: 'Created', ...json(AlertRuleSchema) },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/alert-rules/{id}',
  tags,
  summary: 'Get an alert rule',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: { params: param },
  responses: {
    200: { description: 'The rule', ...json(AlertRuleSchema) },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

const update = createRoute({
  method: 'put',
  path: '/v1/alert-rules/{id}',
  tags,
  summary: 'Change an alert rule (audited with before, after and your reason)',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: { params: param, ...jsonBody(AlertRuleChangeSchema) },
  responses: {
    200: { description: 'Changed', ...json(AlertRuleSchema) },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

const archive = createRoute({
  method: 'post',
  path: '/v1/alert-rules/{id}/archive',
  tags,
  summary: 'Archive an alert rule (it stops judging; its alerts keep it)',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: { params: param, ...jsonBody(ArchiveSchema) },
  responses: {
    200: { description: 'Archived', ...json(AlertRuleSchema) },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerAlertRuleRoutes(app: App) {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const rules = await listAlertRules({
      ctx: c.var.ctx,
      input: { ...q, includeArchived: q.includeArchived === 'true' },
    });
    return c.json({ items: rules.map(presentRule) }, 200);
  });
  app.openapi(presets, (c) => c.json({ items: [...RULE_PRESETS] }, 200));
  app.openapi(create, async (c) => {
    const rule = await createAlertRule({ ctx: c.var.ctx, input: c.req.valid('json') });
    return c.json(presentRule(rule), 201);
  });
  app.openapi(get, async (c) => {
    const rule = await getAlertRule({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.json(presentRule(rule), 200);
  });
  app.openapi(update, async (c) => {
    const rule = await updateAlertRule({
      ctx: c.var.ctx,
      input: { id: c.req.valid('param').id, ...c.req.valid('json') },
    });
    return c.json(presentRule(rule), 200);
  });
  app.openapi(archive, async (c) => {
    const rule = await archiveAlertRule({
      ctx: c.var.ctx,
      input: { id: c.req.valid('param').id, reason: c.req.valid('json').reason },
    });
    return c.json(presentRule(rule), 200);
  });
}
