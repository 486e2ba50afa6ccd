import { createCommand } from '@anythingiot/services';
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
import { CommandSchema, NewCommandSchema, presentCommand, replayedHeader } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/devices/{id}/commands',
  tags: ['commands'],
  summary: 'Send a device a command',
  description:
    'Delivered over the device room when the device is connected, otherwise in the `commands` of its next ingest answer; pending → sent → acknowledged → completed | failed, or expired when unacknowledged after `ttlSeconds`. With an `idempotencyKey`, a repeated request answers 200 with the first command (`Idempotent-Replayed: true`); the same key with a different command is 409.',
  middleware: [authorize('commands:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('dev_0123456789abcdefghjk'),
    ...jsonBody(NewCommandSchema),
  },
  responses: {
    201: { description: 'Created', ...json(CommandSchema) },
    200: {
      description: 'The command this idempotency key already created',
      ...json(CommandSchema),
    },
    ...NOT_FOUND,
    ...CONFLICT,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerCreateCommand(app: App) {
  app.openapi(route, async (c) => {
    const { command, created } = await createCommand({
      ctx: c.var.ctx,
      input: { ...c.req.valid('json'), deviceId: c.req.valid('param').id },
    });
    return c.json(presentCommand(command), created ? 201 : 200, replayedHeader(created));
  });
}
