import { deviceAuthCacheKey, withTimeout } from '@anythingiot/core';
import type { TenantCtx } from '../context.js';

const REDIS_TIMEOUT_MS = 300;

/**
 * After a rotation or revocation, drop the device's cached credentials so ingest reads the new
 * state at once. Best effort: if Redis is down the ingest guard still refuses a revoked secret,
 * and a new secret makes ingest reload — so this never fails the change itself.
 */
export async function forgetCachedCredentials(ctx: TenantCtx, deviceId: string) {
  const redis = ctx.ports.redis;
  if (!redis) return;
  try {
    await withTimeout(
      redis.del(deviceAuthCacheKey(deviceId)),
      REDIS_TIMEOUT_MS,
      'redis credential-invalidate',
    );
  } catch (err) {
    ctx.ports.log?.({
      warning: 'redis_degraded',
      op: 'credential-invalidate',
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
