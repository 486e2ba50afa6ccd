import type { Database } from '@anythingiot/db';
import { markNotifyStarted, setExcursionCheck } from '@anythingiot/db';
import { escalateJob } from '../notifications/jobs.js';
import { startEscalation } from '../notifications/start-escalation.js';
import type { AlertPorts, EvaluationResult } from './evaluate-readings.js';
import { excursionCheckJob } from './jobs.js';

/**
 * After an evaluation committed: start notifying for each raised alert, schedule the checks
 * of newly opened excursions, and tell the tenant's dashboards. A failure here is logged, not
 * thrown: the readings and alerts are committed, and the sweep job publishes whatever is still
 * unmarked a minute later (live updates are best effort; dashboards catch up from the API).
 */
export async function handOff(
  ports: AlertPorts,
  db: Database,
  tenantId: string,
  result: EvaluationResult,
) {
  await Promise.all([
    ports.live.publish(tenantId, result.live),
    ...result.raised.map(async (alertId) => {
      try {
        await startEscalation({
          ctx: { ports: { jobs: escalations(ports) } },
          input: { tenantId, alertId },
        });
        await markNotifyStarted(db, tenantId, alertId);
      } catch (err) {
        ports.log?.({ warning: 'escalation_not_started', alertId, error: String(err) });
      }
    }),
    ...result.checks.map(async ({ excursionId, dueAt }) => {
      try {
        const messageId = await ports.jobs.publish(
          excursionCheckJob,
          { tenantId, excursionId },
          { notBefore: dueAt },
        );
        await setExcursionCheck(db, tenantId, excursionId, messageId);
      } catch (err) {
        ports.log?.({ warning: 'excursion_check_not_scheduled', excursionId, error: String(err) });
      }
    }),
  ]);
}

/** The one notification job the alert engine queues: an alert's first escalate run. */
export const escalations = (ports: Pick<AlertPorts, 'jobs'>) => ({
  escalate: (job: { tenantId: string; alertId: string }) => ports.jobs.publish(escalateJob, job),
});
