import { revokeDevice } from '@anythingiot/services';
import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  CONFLICT,
  idParam,
  json,
  NOT_FOUND,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';
import { DeviceSchema, presentDevice } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/devices/{id}/revoke',
  tags: ['devices'],
  summary: 'Revoke a device and all its secrets, effective immediately',
  middleware: [authorize('devices:write')] as const,
  security: API_KEY_SECURITY,
  request: { params: idParam('dev_0123456789abcdefghjk') },
  responses: {
    200: { description: 'Revoked', ...json(DeviceSchema) },
    ...NOT_FOUND,
    ...CONFLICT,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerRevokeDevice(app: App) {
  app.openapi(route, async (c) => {
    const device = await revokeDevice({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.json(presentDevice(device), 200);
  });
}
