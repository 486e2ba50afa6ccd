import type { AnyJobDefinition, JobDefinition, PublishOptions } from './define-job.js';

/** The jobs port: use cases queue work through it and never build a URL or a dedup id. */
export type JobQueue = {
  /** Queues one job; resolves to QStash's message id. The body must pass the job's schema. */
  publish<T>(def: JobDefinition<T>, body: T, opts?: PublishOptions): Promise<string>;
};

/** What QStash's publish takes (the fields this project sets). */
export type QStashPublishRequest = {
  url: string;
  body: unknown;
  deduplicationId?: string;
  retries: number;
  retryDelay?: string;
  notBefore?: number;
  failureCallback?: string;
};

/** The slice of `@upstash/qstash`'s Client the queue uses (structural: the Client fits). */
export type QStashPublisher = {
  publishJSON(request: QStashPublishRequest): Promise<unknown>;
};

/**
 * The jobs port over QStash: the URL is the api's public base URL + the job's path, the dedup
 * id, retries and not-before come from the definition (and the publisher's options).
 */
export function qstashJobs(client: QStashPublisher, apiBaseUrl: string): JobQueue {
  const url = (def: AnyJobDefinition) => new URL(def.path, apiBaseUrl).toString();
  return {
    async publish(def, body, opts = {}) {
      // A body the job's mount would refuse is a bug here, not at delivery time.
      const parsed = def.schema.parse(body);
      const notBefore = opts.notBefore ?? def.notBefore?.(parsed);
      const options = { ...opts, ...(notBefore === undefined ? {} : { notBefore }) };
      const request: QStashPublishRequest = {
        url: url(def),
        body: parsed,
        retries: opts.retries ?? def.retries,
      };
      if (def.dedupKey) request.deduplicationId = def.dedupKey(parsed, options);
      if (opts.retryDelay !== undefined) request.retryDelay = opts.retryDelay;
      // QStash's absolute time is whole seconds; rounding up never delivers early.
      if (notBefore !== undefined) request.notBefore = Math.ceil(notBefore / 1_000);
      if (def.failureCallback) request.failureCallback = url(def.failureCallback);
      const answer = (await client.publishJSON(request)) as { messageId?: string } | undefined;
      return answer?.messageId ?? '';
    },
  };
}
