import { securityMatrix } from '../../../test/security-matrix.js';

securityMatrix({
  method: 'POST',
  path: (id) => `/v1/devices/${id}/commands`,
  scope: 'commands:write',
  resource: 'device',
  body: { type: 'ping' },
});
securityMatrix({
  method: 'POST',
  path: (id) => `/v1/facilities/${id}/commands`,
  scope: 'commands:write',
  resource: 'facility',
  body: { type: 'ping' },
});
securityMatrix({
  method: 'GET',
  path: (id) => `/v1/devices/${id}/commands`,
  scope: 'commands:read',
  resource: 'device',
});
securityMatrix({
  method: 'GET',
  path: (id) => `/v1/commands/${id}`,
  scope: 'commands:read',
  resource: 'command',
});
