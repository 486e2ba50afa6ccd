import { DomainError } from '@anythingiot/core';
import type { Redis } from '@upstash/redis';
import { hashToken } from './tokens.js';

/** Failed logins allowed per window, per account (email) and per client IP. */
export type LoginThrottleConfig = {
  account: { limit: number; windowSeconds: number };
  ip: { limit: number; windowSeconds: number };
};

/**
 * Five wrong passwords lock an address for 15 minutes; thirty failures from one IP (any
 * addresses) lock that IP for 15 minutes. Unknown addresses count like known ones, so the
 * lock-out itself reveals nothing.
 */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleConfig = {
  account: { limit: 5, windowSeconds: 15 * 60 },
  ip: { limit: 30, windowSeconds: 15 * 60 },
};

export type ThrottleVerdict = { locked: boolean; retryAfterSeconds: number };

/** The error every locked login answers with: 429 and a human "try again in N minutes". */
export function tooManyAttempts(retryAfterSeconds: number): DomainError {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new DomainError(
    'RATE_LIMITED',
    `Too many login attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    { reason: 'login_throttled', retryAfterSeconds: Math.max(1, retryAfterSeconds) },
  );
}

/**
 * Fixed-window failure counters in Upstash Redis. The window starts at the first failure
 * (`PEXPIRE … NX`), so a locked address opens again when that window ends, whatever is tried
 * meanwhile; a correct password during the lock is refused too.
 */
export function loginThrottle(redis: Redis, config: LoginThrottleConfig) {
  const accountKey = (email: string) => `login:fail:acct:${hashToken(email.toLowerCase())}`;
  const ipKey = (ip: string) => `login:fail:ip:${ip}`;
  const verdict = (
    count: number,
    pttl: number,
    limit: number,
    windowSeconds: number,
  ): ThrottleVerdict => ({
    locked: count >= limit,
    retryAfterSeconds: Math.ceil((pttl > 0 ? pttl : windowSeconds * 1000) / 1000),
  });
  const worst = (a: ThrottleVerdict, b: ThrottleVerdict): ThrottleVerdict => {
    const locked = [a, b].filter((v) => v.locked);
    return locked.length === 0
      ? { locked: false, retryAfterSeconds: 0 }
      : { locked: true, retryAfterSeconds: Math.max(...locked.map((v) => v.retryAfterSeconds)) };
  };

  return {
    /** Whether the address or the IP is locked right now (checked before any password work). */
    async check(email: string, ip: string): Promise<ThrottleVerdict> {
      const [acct, acctTtl, byIp, ipTtl] = await redis
        .pipeline()
        .get<number>(accountKey(email))
        .pttl(accountKey(email))
        .get<number>(ipKey(ip))
        .pttl(ipKey(ip))
        .exec<[number | null, number, number | null, number]>();
      return worst(
        verdict(Number(acct ?? 0), acctTtl, config.account.limit, config.account.windowSeconds),
        verdict(Number(byIp ?? 0), ipTtl, config.ip.limit, config.ip.windowSeconds),
      );
    },
    /** Counts one failure against both; locked when this failure reached a limit. */
    async fail(email: string, ip: string): Promise<ThrottleVerdict> {
      const a = accountKey(email);
      const i = ipKey(ip);
      const [acct, , acctTtl, byIp, , ipTtl] = await redis
        .multi()
        .incr(a)
        .pexpire(a, config.account.windowSeconds * 1000, 'NX')
        .pttl(a)
        .incr(i)
        .pexpire(i, config.ip.windowSeconds * 1000, 'NX')
        .pttl(i)
        .exec<[number, number, number, number, number, number]>();
      return worst(
        verdict(acct, acctTtl, config.account.limit, config.account.windowSeconds),
        verdict(byIp, ipTtl, config.ip.limit, config.ip.windowSeconds),
      );
    },
    /** A successful login clears the address's counter (the IP's keeps counting). */
    async succeed(email: string): Promise<void> {
      await redis.del(accountKey(email));
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
