export * from './delivery.js';
export * from './messages.js';
export * from './ports.js';
export * from './room-token.js';
