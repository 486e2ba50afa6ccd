import type { Database } from '@anythingiot/db';
import { Redis } from '@upstash/redis';
import { z } from 'zod';
import { type Mailer, resendMailer } from './mail/mailer.js';
import { type PasswordHasher, scryptHasher } from './password/scrypt.js';
import { type SessionAuth, sessionAuth } from './sessions.js';
import {
  DEFAULT_LOGIN_THROTTLE,
  DEFAULT_SIGNUP_THROTTLE,
  type LoginThrottleConfig,
  type SignUpThrottleConfig,
} from './throttle.js';

/** Everything the accounts use cases reach outside themselves. */
export type AccountsDeps = {
  db: Database;
  redis: Redis;
  mailer: Mailer;
  /** The dashboard's public origin (and optional path prefix), e.g. `https://app.example.com`. */
  appUrl: string;
  sessions: SessionAuth;
  passwords: PasswordHasher;
  throttle: LoginThrottleConfig;
  signUpThrottle: SignUpThrottleConfig;
  now: () => Date;
  /** Failures that must not change the answer (an email that could not be sent). */
  warn: (message: string, data: Record<string, unknown>) => void;
};

/** Per request: who is calling from where. The actor comes from the session, never the input. */
export type AccountsContext = {
  deps: AccountsDeps;
  requestId: string | null;
  /** The client IP (`CF-Connecting-IP`), for throttling and the audit log. */
  ip: string;
  /**
   * The Worker's `ctx.waitUntil`, when there is one: work whose duration must not show in the
   * answer's timing (the reset email of a known address) runs after the response.
   */
  waitUntil?: (work: Promise<unknown>) => void;
};

/** The variables the accounts backend reads (besides the database's own). */
export const AccountsEnvSchema = z.object({
  APP_URL: z.url(),
  MAIL_FROM: z.string().min(3),
  RESEND_API_KEY: z.string().min(1),
  RESEND_BASE_URL: z.url().optional(),
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  /**
   * Sign-ups per client IP per hour (default 10). Configuration, not a dev branch: a stack whose
   * browser tests all sign up from 127.0.0.1 raises it.
   */
  SIGNUP_LIMIT_PER_HOUR: z
    .string()
    .regex(/^[1-9]\d*$/, 'a whole number of sign-ups per hour, at least 1')
    .transform(Number)
    .optional(),
});
export type AccountsEnv = z.infer<typeof AccountsEnvSchema>;

/** Builds the dependencies from env and an open database (the composition root calls this). */
export function accountsDeps(
  env: AccountsEnv,
  db: Database,
  overrides: Partial<Omit<AccountsDeps, 'db' | 'appUrl'>> = {},
): AccountsDeps {
  return {
    db,
    appUrl: env.APP_URL,
    redis: new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }),
    mailer: resendMailer({
      apiKey: env.RESEND_API_KEY,
      baseUrl: env.RESEND_BASE_URL,
      from: env.MAIL_FROM,
    }),
    sessions: sessionAuth(db, env.APP_URL),
    passwords: scryptHasher(),
    throttle: DEFAULT_LOGIN_THROTTLE,
    signUpThrottle:
      env.SIGNUP_LIMIT_PER_HOUR === undefined
        ? DEFAULT_SIGNUP_THROTTLE
        : { ...DEFAULT_SIGNUP_THROTTLE, limit: env.SIGNUP_LIMIT_PER_HOUR },
    now: () => new Date(),
    warn: (message, data) => console.warn(JSON.stringify({ level: 'warn', message, ...data })),
    ...overrides,
  };
}
