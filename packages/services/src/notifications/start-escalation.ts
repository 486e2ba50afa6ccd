import type { NotificationJobs } from './jobs.js';

/**
 * Starts notifying about a newly raised alert: publishes its first escalate job, which decides
 * who hears about it and when. Call it right after the alert is committed; calling it again for
 * the same alert (a retried raise) is harmless, the queue drops the duplicate.
 */
export async function startEscalation({
  ctx,
  input,
}: {
  ctx: { ports: { jobs: Pick<NotificationJobs, 'escalate'> } };
  input: { tenantId: string; alertId: string };
}): Promise<{ messageId: string }> {
  const messageId = await ctx.ports.jobs.escalate({
    tenantId: input.tenantId,
    alertId: input.alertId,
  });
  return { messageId };
}
