import { securityMatrix } from '../../../test/security-matrix.js';

// Every notification route: no key → 401, bad key → 401, missing scope → 403, another
// tenant's policy, endpoint, delivery, user or notification → 404, nothing written.
const policy = {
  name: 'Night shift',
  facilityId: null,
  severities: ['critical'],
  tiers: [{ afterMinutes: 0, recipients: { roles: ['manager'] }, channels: ['email'] }],
  repeatEveryMinutes: null,
  maxRepeats: 0,
};
const prefs = { channels: ['email'], quietHours: null, timeZone: 'UTC', phone: null };

securityMatrix({ method: 'GET', path: '/v1/notification-policies', scope: 'alerts:read' });
securityMatrix({
  method: 'POST',
  path: '/v1/notification-policies',
  scope: 'alerts:write',
  body: policy,
});
securityMatrix({
  method: 'GET',
  path: (id) => `/v1/notification-policies/${id}`,
  scope: 'alerts:read',
  resource: 'notificationPolicy',
});
securityMatrix({
  method: 'PUT',
  path: (id) => `/v1/notification-policies/${id}`,
  scope: 'alerts:write',
  resource: 'notificationPolicy',
  body: policy,
});
securityMatrix({
  method: 'DELETE',
  path: (id) => `/v1/notification-policies/${id}`,
  scope: 'alerts:write',
  resource: 'notificationPolicy',
});

securityMatrix({ method: 'GET', path: '/v1/webhook-endpoints', scope: 'alerts:read' });
securityMatrix({
  method: 'POST',
  path: '/v1/webhook-endpoints',
  scope: 'alerts:write',
  body: { name: 'pager', url: 'https://pager.example.com/hook' },
});
for (const verb of ['enable', 'disable']) {
  securityMatrix({
    method: 'POST',
    path: (id) => `/v1/webhook-endpoints/${id}/${verb}`,
    scope: 'alerts:write',
    resource: 'webhookEndpoint',
  });
}
securityMatrix({
  method: 'DELETE',
  path: (id) => `/v1/webhook-endpoints/${id}`,
  scope: 'alerts:write',
  resource: 'webhookEndpoint',
});

securityMatrix({
  method: 'GET',
  path: (id) => `/v1/users/${id}/notification-preferences`,
  scope: 'alerts:read',
  resource: 'user',
});
securityMatrix({
  method: 'PUT',
  path: (id) => `/v1/users/${id}/notification-preferences`,
  scope: 'alerts:write',
  resource: 'user',
  body: prefs,
});

securityMatrix({ method: 'GET', path: '/v1/deliveries', scope: 'alerts:read' });
securityMatrix({
  method: 'GET',
  path: (id) => `/v1/deliveries/${id}`,
  scope: 'alerts:read',
  resource: 'delivery',
});

securityMatrix({
  method: 'GET',
  path: (id) => `/v1/users/${id}/notifications?unread=true`,
  scope: 'alerts:read',
  resource: 'user',
});
securityMatrix({
  method: 'POST',
  path: (ref) => `/v1/users/${ref}/read`,
  scope: 'alerts:write',
  resource: 'userNotification',
});
