import { alertsSweepJob, excursionCheckJob } from '../alerts/jobs.js';
import { commandExpiryJob } from '../commands/jobs.js';
import { ensurePartitionsJob } from '../ingest/jobs.js';
import { deliverFailedJob, deliverJob, escalateJob } from '../notifications/jobs.js';
import type { AnyJobDefinition } from './define-job.js';

/**
 * Every QStash job the product has. The api mounts each (a test checks none is missing) and
 * `npm run jobs:schedule` creates the schedules of those that have one.
 */
export const JOBS: readonly AnyJobDefinition[] = [
  ensurePartitionsJob,
  alertsSweepJob,
  excursionCheckJob,
  commandExpiryJob,
  escalateJob,
  deliverJob,
  deliverFailedJob,
];

/** The schedules QStash must hold, derived from the definitions. */
export const jobSchedules = (jobs: readonly AnyJobDefinition[] = JOBS) =>
  jobs.flatMap((job) =>
    job.schedule
      ? [
          {
            scheduleId: job.schedule.id,
            cron: job.schedule.cron,
            path: job.path,
            retries: job.retries,
          },
        ]
      : [],
  );
