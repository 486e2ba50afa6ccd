import { deviceAuthCacheKey, withTimeout } from '@anythingiot/core';
import type { TenantCtx } from '../context.js';

const REDIS_TIMEOUT_MS = 300;

/**
 * After a rotation or revocation (committed): drop the device's cached credentials so ingest
 * reads the new state at once, and tell the device's room, which closes a socket opened with a
 * credential no longer valid (a leaked secret must not keep a live downlink). Both best effort
 * and never failing the change: ingest's guard still refuses a revoked secret, and the room
 * re-checks the credential on every command frame and push anyway.
 */
export async function credentialsChanged(ctx: TenantCtx, deviceId: string) {
  await Promise.all([forgetCachedCredentials(ctx, deviceId), tellDeviceRoom(ctx, deviceId)]);
}

async function forgetCachedCredentials(ctx: TenantCtx, deviceId: string) {
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

async function tellDeviceRoom(ctx: TenantCtx, deviceId: string) {
  const downlink = ctx.ports.downlink;
  if (!downlink) return;
  try {
    await downlink.credentialsChanged(deviceId);
  } catch (err) {
    ctx.ports.log?.({
      warning: 'device_room_unreachable',
      op: 'credentials-changed',
      deviceId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
