import type { TenantCtx } from '../auth/tenant-ctx.js';
import { invalidateDeviceAuth } from '../ingest/credential-cache.js';
import { optionalRedis } from '../ingest/redis-guard.js';

/**
 * After a rotation or revocation, drop the device's cached credentials so ingest reads the new
 * state at once. Best effort: if Redis is down the ingest guard still refuses a revoked secret,
 * and a new secret makes ingest reload — so this never fails the change itself.
 */
export async function forgetCachedCredentials(ctx: TenantCtx, deviceId: string) {
  await optionalRedis(ctx.deps, 'credential-invalidate', () =>
    invalidateDeviceAuth(ctx.deps.redis, deviceId),
  );
}
