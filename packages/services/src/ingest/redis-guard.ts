import { withTimeout } from '@anythingiot/core';
import type { IngestPorts } from './ports.js';

const REDIS_TIMEOUT_MS = 300;

/**
 * Redis is an accelerator on the ingest path (replay guard, rate limit), never a dependency:
 * when it is slow or down, ingest goes on without it and says so in the log. Stored data
 * stays correct either way, because ingest is idempotent.
 */
export async function optionalRedis<T>(
  ports: Pick<IngestPorts, 'log'>,
  what: string,
  op: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await withTimeout(op(), REDIS_TIMEOUT_MS, `redis ${what}`);
  } catch (err) {
    ports.log({
      warning: 'redis_degraded',
      op: what,
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}

export type Admission = { retryAfterSeconds?: number; replayed: boolean };

/**
 * The per-device rate limit (fixed one-minute window) and the replay guard (SET NX on the
 * signature), in ONE Redis round trip. Runs only after the signature verified, so nobody can
 * spend a device's quota or its replay slots without its secret. Redis unavailable: admitted.
 */
export async function admitPost(
  ports: IngestPorts,
  deviceId: string,
  signature: string,
): Promise<Admission> {
  const now = ports.now();
  const window = Math.floor(now / 60_000);
  const rateKey = `rate:ingest:${deviceId}:${window}`;
  const replayKey = `replay:${deviceId}:${signature.toLowerCase()}`;
  const replaySeconds = Math.ceil((ports.ingest.timestampWindowMs * 2) / 1_000);
  const answers = await optionalRedis(ports, 'admit', () =>
    ports.redis
      .pipeline()
      .incr(rateKey)
      .expire(rateKey, 120)
      .set(replayKey, 1, { nx: true, ex: replaySeconds })
      .exec<[number, number, 'OK' | null]>(),
  );
  if (!answers) return { replayed: false };
  const [count, , firstTime] = answers;
  if (count > ports.ingest.ratePerMinute) {
    // Refused before any work: free the signature so the device's retry is not a "replay".
    if (firstTime === 'OK')
      await optionalRedis(ports, 'replay-release', () => ports.redis.del(replayKey));
    return {
      retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1_000)),
      replayed: false,
    };
  }
  return { replayed: firstTime === null };
}
