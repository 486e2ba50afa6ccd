import { updateDevice } from '@anythingiot/services';
import { createRoute } from '@hono/zod-openapi';
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
import { DevicePatchSchema, DeviceSchema, presentDevice } from './schemas.js';

const route = createRoute({
  method: 'patch',
  path: '/v1/devices/{id}',
  tags: ['devices'],
  summary: 'Rename, move, retag or re-pace a device',
  description:
    '`facilityId: null` takes the device out of its facility. Audited with before and after.',
  middleware: [authorize('devices:write')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('dev_0123456789abcdefghjk'),
    ...jsonBody(DevicePatchSchema),
  },
  responses: {
    200: { description: 'Updated', ...json(DeviceSchema) },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerUpdateDevice(app: App) {
  app.openapi(route, async (c) => {
    const device = await updateDevice({
      ctx: c.var.ctx,
      input: { id: c.req.valid('param').id, patch: c.req.valid('json') },
    });
    return c.json(presentDevice(device), 200);
  });
}
