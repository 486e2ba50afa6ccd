import { Client } from '@upstash/qstash';
import { z } from 'zod';
import { ensureJobSchedules, JOB_SCHEDULES } from '../src/routes/jobs/schedules.js';

// `npm run jobs:schedule`: creates or updates the QStash schedules that call the api's
// /v1/jobs/* routes (idempotent; run it after every deploy, next to `npm run db:migrate`).
const Env = z.object({
  QSTASH_URL: z.url().default('https://qstash.upstash.io'),
  QSTASH_TOKEN: z.string().min(1),
  /** The deployed Worker's public base URL, e.g. https://api.example.com */
  API_PUBLIC_URL: z.url(),
});
const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  console.error(
    `Missing or invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}\n` +
      'Example: QSTASH_TOKEN=… API_PUBLIC_URL=https://api.example.com npm run jobs:schedule',
  );
  process.exit(2);
}
const env = parsed.data;
const qstash = new Client({ baseUrl: env.QSTASH_URL, token: env.QSTASH_TOKEN });
await ensureJobSchedules(qstash, env.API_PUBLIC_URL);
for (const job of JOB_SCHEDULES) {
  console.log(`schedule ${job.scheduleId}: ${job.cron} → ${new URL(job.path, env.API_PUBLIC_URL)}`);
}
