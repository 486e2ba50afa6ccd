import { optionalRedis } from '@anythingiot/services';
import type { AppDeps } from '../deps.js';

/**
 * A fixed one-minute window counted in Redis. Returns the seconds until the window ends when
 * `limit` is exceeded, otherwise undefined — also when Redis is unavailable: a rate limit is
 * protection, not a reason to refuse service.
 */
export async function fixedWindowExceeded(
  deps: AppDeps,
  keyPrefix: string,
  limit: number,
): Promise<number | undefined> {
  const now = deps.now();
  const window = Math.floor(now / 60_000);
  const key = `${keyPrefix}:${window}`;
  const count = await optionalRedis(deps, 'rate-limit', async () => {
    const [n] = await deps.redis.pipeline().incr(key).expire(key, 120).exec<[number, number]>();
    return n;
  });
  if (count === undefined || count <= limit) return undefined;
  return Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1_000));
}
