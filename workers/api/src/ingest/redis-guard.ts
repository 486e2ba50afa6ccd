import type { AppDeps } from '../deps.js';
import { withTimeout } from '../lib/with-timeout.js';

const REDIS_TIMEOUT_MS = 300;

/**
 * Redis is an accelerator on the ingest path (replay guard, rate limit), never a dependency:
 * when it is slow or down, ingest goes on without it and says so in the log. Stored data
 * stays correct either way, because ingest is idempotent.
 */
export async function optionalRedis<T>(
  deps: AppDeps,
  what: string,
  op: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await withTimeout(op(), REDIS_TIMEOUT_MS, `redis ${what}`);
  } catch (err) {
    deps.log({
      warning: 'redis_degraded',
      op: what,
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}

/** True when this exact signed request was seen inside the window (SET NX on the signature). */
export async function isReplay(
  deps: AppDeps,
  deviceId: string,
  signature: string,
): Promise<boolean> {
  const seconds = Math.ceil((deps.ingest.timestampWindowMs * 2) / 1_000);
  const set = await optionalRedis(deps, 'replay-guard', () =>
    deps.redis.set(`replay:${deviceId}:${signature.toLowerCase()}`, 1, { nx: true, ex: seconds }),
  );
  return set === null; // 'OK' = first time; null = already there; undefined = Redis unavailable
}

/** Fixed one-minute window per device; returns seconds to wait when over the limit. */
export async function rateLimited(deps: AppDeps, deviceId: string): Promise<number | undefined> {
  const now = deps.now();
  const window = Math.floor(now / 60_000);
  const key = `rate:ingest:${deviceId}:${window}`;
  const count = await optionalRedis(deps, 'rate-limit', async () => {
    const [n] = await deps.redis.pipeline().incr(key).expire(key, 120).exec<[number, number]>();
    return n;
  });
  if (count === undefined || count <= deps.ingest.ratePerMinute) return undefined;
  return Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1_000));
}
