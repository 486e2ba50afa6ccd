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
  API_URL: z.url(),
  /** AES-GCM keys for device secrets at rest: "1:<base64 32 bytes>,2:…"; the newest encrypts. */
  SECRETS_KEYRING: z.string().min(1),
  /** How far X-Timestamp may be from the server clock (replay window), seconds. */
  INGEST_TIMESTAMP_WINDOW_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Posts per device per minute before 429. */
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Requests per minute one tenant API key may make. */
  API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
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
