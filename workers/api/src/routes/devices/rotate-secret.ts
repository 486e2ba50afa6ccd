import { rotateDeviceSecret } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  CONFLICT,
  INVALID,
  idParam,
  NO_STORE,
  NOT_FOUND,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';

const MAX_GRACE_SECONDS = 30 * 86_400;
const DEFAULT_GRACE_SECONDS = 86_400;

const route = createRoute({
  method: 'post',
  path: '/v1/devices/{id}/rotate-secret',
  tags: ['devices'],
  summary: 'Issue a new device secret (shown once)',
  description:
    'The previous secret keeps verifying for `graceSeconds` (default 24 h, at most 30 days; 0 retires it at once).',
  middleware: [authorize('devices:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('dev_0123456789abcdefghjk'),
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z
            .object({
              graceSeconds: z
                .number()
                .int()
                .min(0)
                .max(MAX_GRACE_SECONDS)
                .default(DEFAULT_GRACE_SECONDS),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Rotated',
      content: {
        'application/json': {
          schema: z
            .object({
              deviceId: z.string(),
              secret: z.string(),
              previousSecretValidUntil: z.string(),
            })
            .openapi('RotatedSecret'),
        },
      },
    },
    ...NOT_FOUND,
    ...CONFLICT,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerRotateDeviceSecret(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    // Without a JSON body the validator is skipped (the body is optional): use the default.
    const graceSeconds = c.req.valid('json')?.graceSeconds ?? DEFAULT_GRACE_SECONDS;
    const rotated = await rotateDeviceSecret({ ctx: c.var.ctx, input: { id, graceSeconds } });
    return c.json(
      {
        deviceId: id,
        secret: rotated.secret,
        previousSecretValidUntil: rotated.previousSecretValidUntil.toISOString(),
      },
      200,
      NO_STORE,
    );
  });
}
