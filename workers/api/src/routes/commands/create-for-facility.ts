import { MAX_BULK_COMMAND_DEVICES } from '@anythingiot/core';
import { createFacilityCommands } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  CONFLICT,
  INVALID,
  idParam,
  NOT_FOUND,
  ProblemSchema,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';
import { CommandSchema, NewCommandSchema, presentCommand } from './schemas.js';

const BulkSchema = z
  .object({
    facilityId: z.string(),
    created: z.number().int().openapi({ description: 'How many of `commands` are new' }),
    commands: z.array(CommandSchema),
  })
  .openapi('FacilityCommands');

const route = createRoute({
  method: 'post',
  path: '/v1/facilities/{id}/commands',
  tags: ['commands'],
  summary: 'Send the same command to every active device of a facility',
  description: `One command per active device (revoked ones are skipped), all or none, at most ${MAX_BULK_COMMAND_DEVICES} devices. With an \`idempotencyKey\`, each device's command is keyed by it: a retry returns the existing ones and adds one only for a device that had none.`,
  middleware: [authorize('commands:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('fac_0123456789abcdefghjk'),
    body: { required: true, content: { 'application/json': { schema: NewCommandSchema } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: BulkSchema } } },
    200: {
      description:
        'Nothing new: every device already had the command for this key, or none is active',
      content: { 'application/json': { schema: BulkSchema } },
    },
    ...NOT_FOUND,
    ...CONFLICT,
    413: {
      description: `More than ${MAX_BULK_COMMAND_DEVICES} active devices (code \`too_many_devices\`): send per device`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerCreateFacilityCommands(app: App) {
  app.openapi(route, async (c) => {
    const result = await createFacilityCommands({
      ctx: c.var.ctx,
      input: { ...c.req.valid('json'), facilityId: c.req.valid('param').id },
    });
    return c.json(
      { ...result, commands: result.commands.map(presentCommand) },
      result.created > 0 ? 201 : 200,
    );
  });
}
