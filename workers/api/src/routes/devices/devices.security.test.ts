import { securityMatrix } from '../../../test/security-matrix.js';

const device = (id: string) => `/v1/devices/${id}`;

securityMatrix({
  method: 'POST',
  path: '/v1/devices',
  scope: 'devices:write',
  body: { name: 'Fridge 1' },
});
securityMatrix({ method: 'GET', path: '/v1/devices', scope: 'devices:read' });
securityMatrix({ method: 'GET', path: device, scope: 'devices:read', resource: 'device' });
securityMatrix({
  method: 'PATCH',
  path: device,
  scope: 'devices:write',
  resource: 'device',
  body: { name: 'Renamed' },
});
securityMatrix({
  method: 'POST',
  path: (id) => `${device(id)}/rotate-secret`,
  scope: 'devices:write',
  resource: 'device',
  body: { graceSeconds: 60 },
});
securityMatrix({
  method: 'POST',
  path: (id) => `${device(id)}/revoke`,
  scope: 'devices:write',
  resource: 'device',
});
securityMatrix({
  method: 'GET',
  path: (id) => `${device(id)}/readings`,
  scope: 'readings:read',
  resource: 'device',
});
