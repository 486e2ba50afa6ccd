export * from './alerts/index.js';
export * from './alerts/lifecycle.js';
export * from './alerts/title.js';
export * from './audit/chain.js';
export * from './credentials/api-key.js';
export * from './credentials/secret-box.js';
export * from './errors/domain-error.js';
export * from './ids/ids.js';
export * from './notify/index.js';
export * from './readings/ingest-body.js';
export * from './readings/metrics.js';
export * from './readings/mkt.js';
export * from './readings/resolution.js';
export * from './readings/seq-gaps.js';
export * from './readings/series-summary.js';
export * from './signing/device-signature.js';
export * from './signing/hex.js';
export * from './tenancy/permissions.js';
// notify/recipients.ts has its own canSeeFacility for alert recipients; the package-level
// name is the permission rule (limited roles see only their listed facilities).
export { canSeeFacility } from './tenancy/permissions.js';
export * from './tenancy/roles.js';
