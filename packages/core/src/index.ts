export * from './audit/chain.js';
export * from './credentials/api-key.js';
export * from './credentials/secret-box.js';
export * from './errors/domain-error.js';
export * from './ids/ids.js';
export * from './signing/device-signature.js';
export * from './signing/hex.js';
export * from './tenancy/roles.js';
