import { securityMatrix } from '../../../test/security-matrix.js';

const alert = (id: string) => `/v1/alerts/${id}`;

securityMatrix({ method: 'GET', path: '/v1/alerts', scope: 'alerts:read' });
securityMatrix({ method: 'GET', path: alert, scope: 'alerts:read', resource: 'alert' });
securityMatrix({
  method: 'POST',
  path: (id) => `${alert(id)}/acknowledge`,
  scope: 'alerts:write',
  resource: 'alert',
  body: { reasonCode: 'investigating' },
});
securityMatrix({
  method: 'POST',
  path: (id) => `${alert(id)}/resolve`,
  scope: 'alerts:write',
  resource: 'alert',
  body: { reason: 'stock discarded' },
});
