import { getDevice } from '@anythingiot/services';
import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, idParam, NOT_FOUND, TENANT_ROUTE_ERRORS } from '../openapi-common.js';
import { DeviceDetailSchema, presentDeviceDetail } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/devices/{id}',
  tags: ['devices'],
  summary: 'Get a device with its latest values and credential metadata',
  middleware: [authorize('devices:read')] as const,
  security: API_KEY_SECURITY,
  request: { params: idParam('dev_0123456789abcdefghjk') },
  responses: {
    200: {
      description: 'The device',
      content: { 'application/json': { schema: DeviceDetailSchema } },
    },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerGetDevice(app: App) {
  app.openapi(route, async (c) => {
    // Another tenant's id never gets further than getDevice's tenant-scoped query: 404.
    const detail = await getDevice({ ctx: c.var.ctx, input: c.req.valid('param') });
    return c.json(presentDeviceDetail(detail), 200);
  });
}
