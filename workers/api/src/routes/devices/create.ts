import { createDevice } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, INVALID, NO_STORE, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { DeviceSchema, NewDeviceSchema, presentDevice } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/devices',
  tags: ['devices'],
  summary: 'Register a device',
  description:
    'Creates a device and its first HMAC secret. The secret is in this answer only: it is stored encrypted and never shown again (rotate to get a new one).',
  middleware: [authorize('devices:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    body: { required: true, content: { 'application/json': { schema: NewDeviceSchema } } },
  },
  responses: {
    201: {
      description: 'Registered',
      content: {
        'application/json': {
          schema: z.object({ device: DeviceSchema, secret: z.string() }).openapi('CreatedDevice'),
        },
      },
    },
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerCreateDevice(app: App) {
  app.openapi(route, async (c) => {
    const { device, secret } = await createDevice({ ctx: c.var.ctx, input: c.req.valid('json') });
    return c.json({ device: presentDevice(device), secret }, 201, NO_STORE);
  });
}
