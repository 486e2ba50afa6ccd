import { z } from 'zod';
import { defineJob } from '../jobs/define-job.js';
import type { JobQueue } from '../jobs/qstash-jobs.js';

/** A deliver job's body. */
export const DeliverJobSchema = z.object({
  tenantId: z.string().min(1),
  deliveryId: z.string().min(1),
});
export type DeliverJob = z.infer<typeof DeliverJobSchema>;

/**
 * QStash's failure callback for deliver jobs, called once retries are exhausted: the last
 * answer's status and the original message, base64.
 */
export const deliverFailedJob = defineJob({
  path: '/v1/jobs/deliver-failed',
  schema: z.object({
    status: z.number().int(),
    retried: z.number().int().optional(),
    sourceBody: z.string(),
  }),
  retries: 3,
});

/**
 * Sends one delivery. The delivery id is the dedup id, so queueing it again (a re-run
 * escalation) never sends twice. QStash retries failures with the configured backoff (see
 * `notificationJobs`) and, when it gives up, calls `deliverFailedJob`, which marks it dead.
 */
export const deliverJob = defineJob({
  path: '/v1/jobs/deliver',
  schema: DeliverJobSchema,
  dedupKey: (job) => job.deliveryId,
  retries: 3,
  failureCallback: deliverFailedJob,
});

/** One run of an alert's escalation. */
export const EscalateJobSchema = z.object({
  tenantId: z.string().min(1),
  alertId: z.string().min(1),
  /** When this run is meant for (Unix ms); absent for the first run. */
  at: z.number().int().optional(),
});
export type EscalateJob = z.infer<typeof EscalateJobSchema>;

/**
 * Runs one step of an alert's escalation, at `at` (absent: the first run, now). The dedup id
 * names the step, so a second publish of it (a redelivered job that publishes again, two
 * raisers racing) is a no-op at QStash.
 */
export const escalateJob = defineJob({
  path: '/v1/jobs/escalate',
  schema: EscalateJobSchema,
  dedupKey: (job) => `escalate:${job.alertId}:${job.at ?? 0}`,
  notBefore: (job) => job.at,
  retries: 3,
});

/** QStash callbacks of the notification pipeline (mounted by the api). */
export const ESCALATE_JOB_PATH = escalateJob.path;
export const DELIVER_JOB_PATH = deliverJob.path;
/** QStash's failure callback for deliver jobs: called once retries are exhausted. */
export const DELIVER_FAILED_JOB_PATH = deliverFailedJob.path;

/** The job queue as the notification use cases see it; each call returns the message id. */
export type NotificationJobs = {
  /** Publishes an escalate run (deduplicated per step, not delivered before `at`). */
  escalate(job: EscalateJob): Promise<string>;
  /** Queues the sending of one delivery (deduplicated by the delivery id). */
  deliver(job: DeliverJob): Promise<string>;
};

/**
 * The notification jobs on the jobs port. `retry` is how QStash retries a failed delivery
 * (count, and an `Upstash-Retry-Delay` expression): configuration, not the definition.
 */
export function notificationJobs(
  jobs: JobQueue,
  retry: { retries: number; delay: string },
): NotificationJobs {
  return {
    escalate: (job) => jobs.publish(escalateJob, job),
    deliver: (job) =>
      jobs.publish(deliverJob, job, { retries: retry.retries, retryDelay: retry.delay }),
  };
}
