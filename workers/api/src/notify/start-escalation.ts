import type { AppDeps } from '../deps.js';
import { publishEscalate } from './jobs.js';

/**
 * Starts notifying about a newly raised alert: publishes its first escalate job, which decides
 * who hears about it and when. Call it right after the alert is committed; calling it again for
 * the same alert (a retried raise) is harmless, QStash drops the duplicate.
 */
export async function startEscalation(
  deps: Pick<AppDeps, 'qstash' | 'apiPublicUrl'>,
  input: { tenantId: string; alertId: string },
): Promise<{ messageId: string }> {
  const messageId = await publishEscalate(
    deps,
    { tenantId: input.tenantId, alertId: input.alertId },
    { deduplicationId: `escalate:${input.alertId}:0` },
  );
  return { messageId };
}
