import type { Command } from '@anythingiot/db';
import type { AppDeps } from '../deps.js';

/** QStash callback that expires overdue commands (scheduled per expiry, and every minute). */
export const COMMAND_EXPIRY_PATH = '/v1/jobs/command-expiry';

/** A tenant's overdue commands; without a tenant, every tenant's (the per-minute sweep). */
export type CommandExpiryJob = { tenantId?: string };

/**
 * Schedules the expiry of new commands at the instant their time to live runs out: one job per
 * tenant and expiry instant (a bulk command is one job, not one per device). The dedup id names
 * the instant, so publishing it twice is a no-op.
 */
export async function scheduleCommandExpiry(
  deps: Pick<AppDeps, 'qstash' | 'apiPublicUrl'>,
  commands: readonly Pick<Command, 'tenantId' | 'expiresAt'>[],
) {
  const due = new Map<string, { tenantId: string; at: number }>();
  for (const c of commands) {
    const at = c.expiresAt.getTime();
    due.set(`${c.tenantId}:${at}`, { tenantId: c.tenantId, at });
  }
  await Promise.all(
    [...due.values()].map(({ tenantId, at }) =>
      deps.qstash.publishJSON({
        url: new URL(COMMAND_EXPIRY_PATH, deps.apiPublicUrl).toString(),
        body: { tenantId } satisfies CommandExpiryJob,
        deduplicationId: `command-expiry:${tenantId}:${at}`,
        retries: 3,
        // Whole seconds, rounded up: the job never runs before the commands are overdue.
        notBefore: Math.ceil(at / 1_000),
      }),
    ),
  );
}
