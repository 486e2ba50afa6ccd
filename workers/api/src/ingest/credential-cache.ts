import { type Database, type DeviceAuth, findDeviceAuth } from '@anythingiot/db';
import type { Redis } from '@upstash/redis';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { optionalRedis } from './redis-guard.js';

/**
 * How long a device's credentials may be served from Redis. Revocation does not wait for it:
 * the ingest statement re-checks the credential that verified (see `IngestGuard`), so the cache
 * only ever saves the lookup, never decides. The TTL bounds how long a stale entry costs a
 * refused post and a reload.
 */
export const DEVICE_AUTH_TTL_SECONDS = 300;

/** The cache key; bump the version when the cached shape changes. */
export const deviceAuthKey = (deviceId: string) => `devauth:v1:${deviceId}`;

// Sealed secrets only: Redis never holds a usable device secret.
const CachedSchema = z.object({
  deviceId: z.string(),
  tenantId: z.string(),
  status: z.enum(['active', 'revoked']),
  credentials: z.array(
    z.object({ id: z.string(), sealedSecret: z.string(), validUntil: z.number().nullable() }),
  ),
});

export type AuthSource = 'cache' | 'database';

/**
 * The device's credentials: from Redis when cached, else from Postgres (then cached). Redis
 * down or slow, or an entry that does not parse: the database answers, and the log says so.
 */
export async function loadDeviceAuth(
  deps: AppDeps,
  db: Database,
  deviceId: string,
): Promise<{ auth: DeviceAuth | undefined; source: AuthSource }> {
  const cached = await optionalRedis(deps, 'devauth-get', () =>
    deps.redis.get<unknown>(deviceAuthKey(deviceId)),
  );
  const parsed = cached == null ? undefined : CachedSchema.safeParse(cached);
  if (parsed?.success) {
    const now = deps.now();
    // A grace period may have ended since the entry was written.
    const credentials = parsed.data.credentials.filter(
      (c) => c.validUntil === null || c.validUntil > now,
    );
    return { auth: { ...parsed.data, credentials }, source: 'cache' };
  }
  return { auth: await reloadDeviceAuth(deps, db, deviceId), source: 'database' };
}

/** Reads the device from Postgres and refreshes the cache entry (best effort). */
export async function reloadDeviceAuth(
  deps: AppDeps,
  db: Database,
  deviceId: string,
): Promise<DeviceAuth | undefined> {
  const auth = await findDeviceAuth(db, deviceId);
  // Unknown ids are not cached: a device created by a tool without Redis (the admin CLI) must
  // work at once, and the lookup of an unknown id is one indexed read.
  if (auth) {
    await optionalRedis(deps, 'devauth-set', () =>
      deps.redis.set(deviceAuthKey(deviceId), auth, { ex: DEVICE_AUTH_TTL_SECONDS }),
    );
  }
  return auth;
}

/**
 * Drops a device's cached credentials; rotate and revoke call it so the next post reads the
 * database. Missing it is safe (the ingest statement's guard refuses a revoked credential and
 * a new secret makes ingest reload), only slower.
 */
export async function invalidateDeviceAuth(redis: Redis, deviceId: string): Promise<void> {
  await redis.del(deviceAuthKey(deviceId));
}
