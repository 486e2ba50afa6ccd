import type { LiveEvent } from './messages.js';

/**
 * Hands committed changes to a tenant's live room (dashboards). Call it only after the change
 * is committed — never announce what could still roll back. Implementations must not throw:
 * live updates are a convenience on top of the API, so a failed publish is logged, never
 * turned into a failed ingest or a failed acknowledgement.
 */
export type LivePublisher = {
  publish(tenantId: string, events: readonly LiveEvent[]): Promise<void>;
};

/** For runtimes without rooms (Deno, plain Node): publishing does nothing. */
export const noLivePublisher: LivePublisher = { publish: async () => {} };
