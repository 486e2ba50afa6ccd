import { DbEnvSchema } from '@anythingiot/db';
import { z } from 'zod';

/**
 * Everything the Worker reads from its environment, parsed once at the composition root.
 * Names match the providers' own conventions so production config is copy-paste.
 */
export const WorkerEnvSchema = DbEnvSchema.extend({
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  QSTASH_URL: z.url().default('https://qstash.upstash.io'),
  QSTASH_TOKEN: z.string().min(1),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1),
  RESEND_API_KEY: z.string().min(1),
  RESEND_BASE_URL: z.url().optional(),
  /** This api's public base URL: QStash calls the notification jobs (/v1/jobs/*) back there. */
  API_PUBLIC_URL: z.url(),
  /** The dashboard's base URL: notifications deep-link to `${APP_URL}/alerts/<id>`. */
  APP_URL: z.url(),
  /** Sender of alert emails, e.g. `AnythingIoT Alerts <alerts@example.com>` (a Resend-verified domain). */
  EMAIL_FROM: z.string().min(3),
  /** A Twilio-style Messages API: `https://api.twilio.com` (the catcher's `/sms` locally). */
  SMS_API_URL: z.url(),
  SMS_ACCOUNT_SID: z.string().min(1),
  SMS_AUTH_TOKEN: z.string().min(1),
  /** The sending number, E.164. */
  SMS_FROM: z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number such as +15005550006'),
  /**
   * Origins (`scheme://host:port`, comma-separated) exempt from the webhook destination rules
   * (https only; no loopback, private, link-local, CGNAT or metadata address): destinations the
   * deployment runs itself, e.g. the devstack's catcher. Unset in production.
   */
  WEBHOOK_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(z.array(z.url().transform((o) => new URL(o).origin))),
  /**
   * A DNS-over-HTTPS JSON endpoint (e.g. `https://cloudflare-dns.com/dns-query`): webhook host
   * names are resolved through it and refused when any address is private. Unset: literal
   * addresses and internal names are refused, other names are trusted (Workers have no DNS).
   */
  WEBHOOK_DOH_URL: z.url().optional(),
  /** Retries QStash makes of a failed delivery before it is dead (a dead letter in the API). */
  DELIVERY_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  /** QStash `Upstash-Retry-Delay` expression (ms; `retried` counts from 0): 10 s, 20 s, 40 s, … */
  DELIVERY_RETRY_DELAY: z.string().min(1).default('min(3600000, 10000 * pow(2, retried))'),
  /** AES-GCM keys for device secrets at rest: "1:<base64 32 bytes>,2:…"; the newest encrypts. */
  SECRETS_KEYRING: z.string().min(1),
  /**
   * HMAC key of the tenant rooms' tokens (at least 32 characters): the dashboard signs with it,
   * the rooms verify. The same value must be set for the dashboard Worker.
   */
  REALTIME_TOKEN_SECRET: z.string().min(32),
  /** How far X-Timestamp may be from the server clock (replay window), seconds. */
  INGEST_TIMESTAMP_WINDOW_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Posts per device per minute before 429. */
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Requests per minute one tenant API key may make. */
  API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /** Requests per minute all API keys of one tenant may make together (minted keys share it). */
  TENANT_API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
  /** Offline after this many expected reporting intervals without data (also the data-gap span). */
  OFFLINE_AFTER_INTERVALS: z.coerce.number().min(1).max(100).default(3),
});
export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

/** Parses the env or throws one error listing every missing/invalid variable (never values). */
export function parseWorkerEnv(raw: Record<string, unknown>): WorkerEnv {
  const result = WorkerEnvSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid Worker environment:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
