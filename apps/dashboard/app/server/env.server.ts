import { AccountsEnvSchema } from '@anythingiot/accounts';
import { DbEnvSchema } from '@anythingiot/db';
import { z } from 'zod';

/**
 * Everything the dashboard Worker reads from its environment, parsed once per isolate.
 * Names match the api Worker's where they mean the same thing, so one secret store serves both.
 */
export const DashboardEnvSchema = DbEnvSchema.extend(AccountsEnvSchema.shape).extend({
  /** The device-secret keyring the api uses: registering or rotating a device seals its secret. */
  SECRETS_KEYRING: z.string().min(1),
  /**
   * The api's base URL: devices post to `${API_PUBLIC_URL}/v1/ingest` (shown in the snippet),
   * and QStash calls its command-expiry job there.
   */
  API_PUBLIC_URL: z.url(),
  /** Signs the live rooms' tokens (/realtime-token); the api Worker's rooms verify with the same. */
  REALTIME_TOKEN_SECRET: z.string().min(32),
  /**
   * QStash, to schedule the expiry of the commands sent from here (the api's job at
   * `${API_PUBLIC_URL}/v1/jobs/command-expiry` runs it): the api's own URL and token.
   */
  QSTASH_URL: z.url().default('https://qstash.upstash.io'),
  QSTASH_TOKEN: z.string().min(1),
  /** A device is offline after its expected interval × this without data (the api's setting). */
  OFFLINE_AFTER_INTERVALS: z.coerce.number().min(1).max(100).default(3),
});
export type DashboardEnv = z.infer<typeof DashboardEnvSchema>;

let parsed: { raw: unknown; env: DashboardEnv } | undefined;

/** Parses the bindings, once per isolate; throws one error naming every bad variable. */
export function dashboardEnv(raw: Record<string, unknown>): DashboardEnv {
  if (parsed?.raw === raw) return parsed.env;
  const result = DashboardEnvSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid dashboard environment:\n  ${problems.join('\n  ')}`);
  }
  parsed = { raw, env: result.data };
  return result.data;
}
