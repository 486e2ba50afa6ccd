import { deviceAuthCacheKey, deviceSigningKey, openSecret } from '@anythingiot/core';
import { type Database, type DeviceAuth, findDeviceAuth } from '@anythingiot/db';
import type { Redis } from '@upstash/redis';
import { z } from 'zod';
import type { IngestPorts } from './ports.js';
import { optionalRedis } from './redis-guard.js';

/**
 * How long a device's credentials may be served from Redis. Revocation does not wait for it:
 * the ingest statement re-checks the credential that verified (see `IngestGuard`), so the cache
 * only ever saves the lookup, never decides. The TTL bounds how long a stale entry costs a
 * refused post and a reload.
 */
export const DEVICE_AUTH_TTL_SECONDS = 300;

// Sealed secrets only: Redis never holds a usable device secret.
const CachedSchema = z.object({
  deviceId: z.string(),
  tenantId: z.string(),
  status: z.enum(['active', 'revoked']),
  credentials: z.array(
    z.object({ id: z.string(), sealedSecret: z.string(), validUntil: z.number().nullable() }),
  ),
});

export type AuthSource = 'memory' | 'cache' | 'database';

/**
 * In-isolate copy of recent entries: a Worker isolate serves many posts, so an active device's
 * credentials are usually already in memory and the post skips the Redis round trip too. Safe
 * for the same reasons as the Redis entry (the statement's guard, the reload on a failed
 * signature); kept short so an isolate does not hold an old view for long.
 */
const MEMORY_TTL_MS = 30_000;
const MEMORY_MAX_ENTRIES = 10_000;
const memories = new WeakMap<IngestPorts, Map<string, { auth: DeviceAuth; until: number }>>();

function memory(ports: IngestPorts) {
  let entries = memories.get(ports);
  if (!entries) {
    entries = new Map();
    memories.set(ports, entries);
  }
  return entries;
}

function remember(ports: IngestPorts, auth: DeviceAuth) {
  const entries = memory(ports);
  entries.delete(auth.deviceId);
  // Map order is insertion order: the first key is the least recently stored.
  if (entries.size >= MEMORY_MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  entries.set(auth.deviceId, { auth, until: ports.now() + MEMORY_TTL_MS });
}

/** Usable credentials only: a grace period may have ended since the entry was written. */
function current(ports: IngestPorts, auth: DeviceAuth): DeviceAuth {
  const now = ports.now();
  const credentials = auth.credentials.filter((c) => c.validUntil === null || c.validUntil > now);
  return credentials.length === auth.credentials.length ? auth : { ...auth, credentials };
}

/**
 * The device's credentials: from this isolate's memory, else Redis, else Postgres (then cached
 * in both). Redis down or slow, or an entry that does not parse: the database answers, and the
 * log says so.
 */
export async function loadDeviceAuth(
  ports: IngestPorts,
  db: () => Database,
  deviceId: string,
): Promise<{ auth: DeviceAuth | undefined; source: AuthSource }> {
  const inMemory = memory(ports).get(deviceId);
  if (inMemory && inMemory.until > ports.now()) {
    return { auth: current(ports, inMemory.auth), source: 'memory' };
  }
  const cached = await optionalRedis(ports, 'devauth-get', () =>
    ports.redis.get<unknown>(deviceAuthCacheKey(deviceId)),
  );
  const parsed = cached == null ? undefined : CachedSchema.safeParse(cached);
  if (parsed?.success) {
    remember(ports, parsed.data);
    return { auth: current(ports, parsed.data), source: 'cache' };
  }
  return { auth: await reloadDeviceAuth(ports, db, deviceId), source: 'database' };
}

/** Reads the device from Postgres and refreshes the cache entry (best effort). */
export async function reloadDeviceAuth(
  ports: IngestPorts,
  db: () => Database,
  deviceId: string,
): Promise<DeviceAuth | undefined> {
  const auth = await findDeviceAuth(db(), deviceId);
  if (!auth) memory(ports).delete(deviceId);
  // Unknown ids are not cached: a device created by a tool without Redis (the admin CLI) must
  // work at once, and the lookup of an unknown id is one indexed read.
  if (auth) {
    remember(ports, auth);
    await optionalRedis(ports, 'devauth-set', () =>
      ports.redis.set(deviceAuthCacheKey(deviceId), auth, { ex: DEVICE_AUTH_TTL_SECONDS }),
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
  await redis.del(deviceAuthCacheKey(deviceId));
}

/** Forgets the device in this isolate and in Redis: what ingest does when the database refused. */
export async function forgetDeviceAuth(ports: IngestPorts, deviceId: string): Promise<void> {
  memory(ports).delete(deviceId);
  await optionalRedis(ports, 'devauth-del', () => invalidateDeviceAuth(ports.redis, deviceId));
}

const signingKeys = new WeakMap<IngestPorts, Map<string, Promise<CryptoKey>>>();

/**
 * The HMAC key of a sealed secret, decrypted and imported once per isolate: both are Web Crypto
 * calls that would otherwise run on every post. The key is non-extractable, and the keyring that
 * could open any sealed secret is in this memory anyway.
 */
export function signingKey(ports: IngestPorts, sealedSecret: string): Promise<CryptoKey> {
  let keys = signingKeys.get(ports);
  if (!keys) {
    keys = new Map();
    signingKeys.set(ports, keys);
  }
  const known = keys.get(sealedSecret);
  if (known) return known;
  if (keys.size >= MEMORY_MAX_ENTRIES) keys.delete(keys.keys().next().value as string);
  const key = (async () =>
    deviceSigningKey(await openSecret(await ports.keyring(), sealedSecret)))();
  keys.set(sealedSecret, key);
  // A failure (e.g. an unknown key version) is not remembered: the next post tries again.
  key.catch(() => keys.delete(sealedSecret));
  return key;
}
