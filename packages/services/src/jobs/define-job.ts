import type { z } from 'zod';

/** What a publisher may add to one job. */
export type PublishOptions = {
  /** Unix ms: QStash delivers no earlier (rounded up to whole seconds, so never early). */
  notBefore?: number;
  /** Where configuration, not the definition, decides the retry policy (deliveries). */
  retries?: number;
  /** QStash's retry-delay expression, e.g. `"1000 * pow(2, retried)"`. */
  retryDelay?: string;
};

/**
 * One QStash job: its callback path on the api, the schema its body must pass (at publish and
 * again when it is delivered), how a publish is deduplicated, its retries, and — for jobs QStash
 * runs on a clock — its schedule. The publisher (`ctx.ports.jobs`), the api's job mount and
 * `npm run jobs:schedule` all read this one object, so they cannot disagree.
 */
export type JobDefinition<T = unknown> = {
  readonly path: `/v1/jobs/${string}`;
  readonly schema: z.ZodType<T>;
  /**
   * QStash's deduplication id: publishing the same step twice (a redelivered job that publishes
   * again, two raisers racing) is then a no-op. Absent: every publish is a new message.
   */
  readonly dedupKey?: (body: T, opts: PublishOptions) => string;
  /** How often QStash retries a failed delivery before the dead-letter list. */
  readonly retries: number;
  /** When the body itself says when the job is due (Unix ms); `opts.notBefore` wins. */
  readonly notBefore?: (body: T) => number | undefined;
  /** Called by QStash once retries are exhausted (its own definition, mounted like any job). */
  readonly failureCallback?: AnyJobDefinition;
  /** A QStash schedule that calls this job with an empty body (`{}`) on a cron. */
  readonly schedule?: { readonly id: string; readonly cron: string };
};

/** Declares a job. The schedule's id derives from the path, so re-running the upsert updates it. */
export function defineJob<S extends z.ZodType>(def: {
  path: `/v1/jobs/${string}`;
  schema: S;
  dedupKey?: (body: z.output<S>, opts: PublishOptions) => string;
  retries: number;
  notBefore?: (body: z.output<S>) => number | undefined;
  failureCallback?: AnyJobDefinition;
  /** A cron expression (UTC), e.g. `'* * * * *'`. */
  schedule?: string;
}): JobDefinition<z.output<S>> {
  const { schedule, ...rest } = def;
  return {
    ...rest,
    schema: def.schema as z.ZodType<z.output<S>>,
    ...(schedule === undefined
      ? {}
      : { schedule: { id: `anythingiot-${def.path.slice('/v1/jobs/'.length)}`, cron: schedule } }),
  };
}

/** The body a definition accepts, inferred. */
export type JobBody<D> = D extends JobDefinition<infer T> ? T : never;

/**
 * Any job, whatever its body: what a list of jobs or a generic mount holds. (`unknown` would
 * not do: a definition's functions take its own body type, so they are not assignable.)
 */
// biome-ignore lint/suspicious/noExplicitAny: the one place a job's body type is erased.
export type AnyJobDefinition = JobDefinition<any>;
