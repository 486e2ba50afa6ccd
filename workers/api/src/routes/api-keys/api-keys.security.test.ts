import { securityMatrix } from '../../../test/security-matrix.js';

securityMatrix({
  method: 'POST',
  path: '/v1/api-keys',
  scope: 'api_keys:write',
  body: { name: 'ci', scopes: ['devices:read'] },
});
securityMatrix({ method: 'GET', path: '/v1/api-keys', scope: 'api_keys:read' });
securityMatrix({
  method: 'POST',
  path: (id) => `/v1/api-keys/${id}/revoke`,
  scope: 'api_keys:write',
  resource: 'apiKey',
});
