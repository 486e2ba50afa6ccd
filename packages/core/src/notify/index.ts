export * from './alert-notice.js';
export * from './email.js';
export * from './in-app.js';
export * from './ports.js';
export * from './recipients.js';
export * from './sms.js';
export * from './webhook-event.js';
export * from './webhook-signature.js';
