import { z } from 'zod';

/** QStash callbacks of the notification pipeline (mounted by the api). */
export const ESCALATE_JOB_PATH = '/v1/jobs/escalate';
export const DELIVER_JOB_PATH = '/v1/jobs/deliver';
/** QStash's failure callback for deliver jobs: called once retries are exhausted. */
export const DELIVER_FAILED_JOB_PATH = '/v1/jobs/deliver-failed';

export const EscalateJobSchema = z.object({
  tenantId: z.string().min(1),
  alertId: z.string().min(1),
  /** When this run is meant for (Unix ms); absent for the first run. */
  at: z.number().int().optional(),
});
export type EscalateJob = z.infer<typeof EscalateJobSchema>;

export const DeliverJobSchema = z.object({
  tenantId: z.string().min(1),
  deliveryId: z.string().min(1),
});
export type DeliverJob = z.infer<typeof DeliverJobSchema>;

/** Retries QStash makes of an escalate job before it goes to the dead-letter list. */
export const ESCALATE_RETRIES = 3;

/** The job queue as the notification use cases see it; each call returns the message id. */
export type NotificationJobs = {
  /**
   * Publishes an escalate run. `deduplicationId` makes a second publish of the same step (a
   * redelivered job that publishes again, two raisers racing) a no-op at the queue.
   */
  escalate(
    job: EscalateJob,
    options: { deduplicationId: string; notBeforeMs?: number },
  ): Promise<string>;
  /**
   * Queues the sending of one delivery. The delivery id is the deduplication id, so queueing
   * it again (a re-run escalation) never sends twice; failures are retried with the configured
   * backoff and, when the queue gives up, its failure callback marks the delivery dead.
   */
  deliver(job: DeliverJob): Promise<string>;
};

/** The slice of a QStash client that publishes (structural: `@upstash/qstash`'s Client fits). */
export type QStashPublisher = {
  publishJSON(request: {
    url: string;
    body: unknown;
    deduplicationId: string;
    retries: number;
    retryDelay?: string;
    notBefore?: number;
    failureCallback?: string;
  }): Promise<{ messageId: string }>;
};

/**
 * The notification jobs on QStash, called back at `apiPublicUrl`. `retry` is how QStash
 * retries a failed delivery (count, and an `Upstash-Retry-Delay` expression).
 */
export function qstashNotificationJobs(config: {
  qstash: QStashPublisher;
  apiPublicUrl: string;
  retry: { retries: number; delay: string };
}): NotificationJobs {
  const url = (path: string) => new URL(path, config.apiPublicUrl).toString();
  return {
    async escalate(job, options) {
      const { messageId } = await config.qstash.publishJSON({
        url: url(ESCALATE_JOB_PATH),
        body: job,
        deduplicationId: options.deduplicationId,
        retries: ESCALATE_RETRIES,
        // QStash's absolute time is whole seconds; rounding up never delivers early.
        ...(options.notBeforeMs === undefined
          ? {}
          : { notBefore: Math.ceil(options.notBeforeMs / 1_000) }),
      });
      return messageId;
    },
    async deliver(job) {
      const { messageId } = await config.qstash.publishJSON({
        url: url(DELIVER_JOB_PATH),
        body: job,
        deduplicationId: job.deliveryId,
        retries: config.retry.retries,
        retryDelay: config.retry.delay,
        failureCallback: url(DELIVER_FAILED_JOB_PATH),
      });
      return messageId;
    },
  };
}
