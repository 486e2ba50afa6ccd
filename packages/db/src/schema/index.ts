export * from './api-keys.js';
export * from './audit-log.js';
export * from './device-credentials.js';
export * from './devices.js';
export * from './facilities.js';
export * from './memberships.js';
export * from './tenants.js';
export * from './users.js';
