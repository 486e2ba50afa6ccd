import { securityMatrix } from '../../../test/security-matrix.js';

const rule = {
  name: 'Room 15–25 °C',
  scope: { kind: 'tenant' },
  metric: 'temperature',
  condition: { kind: 'outside', low: 15, high: 25 },
  durationSeconds: 1800,
  deadband: 0.5,
  severity: 'warning',
  schedule: null,
  enabled: true,
};
const one = (id: string) => `/v1/alert-rules/${id}`;

securityMatrix({ method: 'GET', path: '/v1/alert-rules', scope: 'alerts:read' });
securityMatrix({ method: 'GET', path: '/v1/alert-rules/presets', scope: 'alerts:read' });
securityMatrix({ method: 'POST', path: '/v1/alert-rules', scope: 'alerts:write', body: { rule } });
securityMatrix({ method: 'GET', path: one, scope: 'alerts:read', resource: 'alertRule' });
securityMatrix({
  method: 'PUT',
  path: one,
  scope: 'alerts:write',
  resource: 'alertRule',
  body: { rule, reason: 'r' },
});
securityMatrix({
  method: 'POST',
  path: (id) => `${one(id)}/archive`,
  scope: 'alerts:write',
  resource: 'alertRule',
  body: { reason: 'r' },
});
