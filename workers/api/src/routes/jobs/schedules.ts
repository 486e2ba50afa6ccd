import type { Client } from '@upstash/qstash';
import { ALERTS_SWEEP_PATH } from '../../alerts/jobs.js';
import { COMMAND_EXPIRY_PATH } from '../../commands/jobs.js';
import { ENSURE_PARTITIONS_PATH } from './ensure-partitions.js';

/**
 * The QStash schedules the api needs. Fixed ids make creation an upsert: running
 * `npm run jobs:schedule` again (every deploy) updates them instead of adding copies.
 */
export const JOB_SCHEDULES = [
  {
    scheduleId: 'anythingiot-ensure-partitions',
    path: ENSURE_PARTITIONS_PATH,
    // Daily, off the hour: a missed day or two is harmless, the horizon is three months.
    cron: '17 3 * * *',
  },
  {
    scheduleId: 'anythingiot-alerts-sweep',
    path: ALERTS_SWEEP_PATH,
    // Every minute: offline detection and the safety net for lost publishes (sweep-alerts.ts).
    cron: '* * * * *',
  },
  {
    scheduleId: 'anythingiot-command-expiry',
    path: COMMAND_EXPIRY_PATH,
    // Every minute: each command's own expiry job is published when it is created; this one
    // expires whatever a lost publish left overdue (no body: every tenant).
    cron: '* * * * *',
  },
] as const;

/** Creates or updates every job schedule so QStash calls the api at `apiBaseUrl`. */
export async function ensureJobSchedules(qstash: Client, apiBaseUrl: string) {
  const ids: string[] = [];
  for (const job of JOB_SCHEDULES) {
    const { scheduleId } = await qstash.schedules.create({
      scheduleId: job.scheduleId,
      destination: new URL(job.path, apiBaseUrl).toString(),
      cron: job.cron,
      retries: 3,
    });
    ids.push(scheduleId);
  }
  return ids;
}
