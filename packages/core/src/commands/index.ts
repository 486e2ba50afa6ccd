export * from './catalog.js';
export * from './command-input.js';
export * from './device-protocol.js';
export * from './lifecycle.js';
