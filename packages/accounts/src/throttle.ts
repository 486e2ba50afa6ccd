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

/** Sign-ups allowed per client IP per window (each creates a company and sends an email). */
export type SignUpThrottleConfig = { limit: number; windowSeconds: number };
export const DEFAULT_SIGNUP_THROTTLE: SignUpThrottleConfig = { limit: 10, windowSeconds: 3600 };

/**
 * Reserves one sign-up for the IP (atomic `INCR` first, decided on the count it returns, like
 * the login lock-out): over the limit answers 429 `signup_throttled` before any work.
 */
export async function reserveSignUp(
  redis: Redis,
  config: SignUpThrottleConfig,
  ip: string,
): Promise<void> {
  const key = `signup:ip:${ip}`;
  const [count, , pttl] = await redis
    .multi()
    .incr(key)
    .pexpire(key, config.windowSeconds * 1000, 'NX')
    .pttl(key)
    .exec<[number, number, number]>();
  if (count <= config.limit) return;
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((pttl > 0 ? pttl : config.windowSeconds * 1000) / 1000),
  );
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  throw new DomainError(
    'RATE_LIMITED',
    `Too many sign-ups from your network. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    { reason: 'signup_throttled', retryAfterSeconds },
  );
}

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
 * Fixed-window attempt counters in Upstash Redis. The window starts at the first attempt
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
    /**
     * Reserves one attempt against the address and the IP before any password work, in one
     * atomic round trip, and decides on the counts it returns. Reading first and counting
     * after the ~100 ms scrypt let parallel requests all read "4 failures" and all be
     * verified; now the Nth concurrent attempt sees N. `refused`: over a limit already — answer
     * 429 without verifying. `lockedIfWrong`: this attempt reached a limit, so a wrong password
     * now answers 429 (as the failure that locks always has).
     */
    async reserve(
      email: string,
      ip: string,
    ): Promise<{ refused: ThrottleVerdict; lockedIfWrong: ThrottleVerdict }> {
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
      return {
        refused: worst(
          verdict(acct - 1, acctTtl, config.account.limit, config.account.windowSeconds),
          verdict(byIp - 1, ipTtl, config.ip.limit, config.ip.windowSeconds),
        ),
        lockedIfWrong: worst(
          verdict(acct, acctTtl, config.account.limit, config.account.windowSeconds),
          verdict(byIp, ipTtl, config.ip.limit, config.ip.windowSeconds),
        ),
      };
    },
    /**
     * A successful login clears the address's counter and gives back the IP's reservation
     * (the IP counts failures, so one person's logins never lock an office's address).
     */
    async succeed(email: string, ip: string): Promise<void> {
      await redis.pipeline().del(accountKey(email)).decr(ipKey(ip)).exec();
    },
    /** Lifts the address's lock (a password reset proved the owner holds the mailbox). */
    async clear(email: string): Promise<void> {
      await redis.del(accountKey(email));
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
