import { jobSchedules } from '@anythingiot/services';
import type { Client } from '@upstash/qstash';

/**
 * The QStash schedules the api needs, derived from the job definitions (services' `JOBS`).
 * Fixed ids make creation an upsert: running `npm run jobs:schedule` again (every deploy)
 * updates them instead of adding copies.
 */
export const JOB_SCHEDULES = jobSchedules();

/** Creates or updates every job schedule so QStash calls the api at `apiBaseUrl`. */
export async function ensureJobSchedules(qstash: Client, apiBaseUrl: string) {
  const ids: string[] = [];
  for (const job of JOB_SCHEDULES) {
    const { scheduleId } = await qstash.schedules.create({
      scheduleId: job.scheduleId,
      destination: new URL(job.path, apiBaseUrl).toString(),
      cron: job.cron,
      retries: job.retries,
    });
    ids.push(scheduleId);
  }
  return ids;
}
