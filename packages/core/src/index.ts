export * from './audit/chain.js';
export * from './errors/domain-error.js';
export * from './ids/ids.js';
export * from './tenancy/roles.js';
