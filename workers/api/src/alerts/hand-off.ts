import type { Database } from '@anythingiot/db';
import { markNotifyStarted, setExcursionCheck } from '@anythingiot/db';
import { excursionCheckJob, startEscalation } from '@anythingiot/services';
import type { AppDeps } from '../deps.js';
import { notificationJobs } from '../service-ports.js';
import type { EvaluationResult } from './evaluate-readings.js';

/**
 * After an evaluation committed: start notifying for each raised alert, schedule the checks
 * of newly opened excursions, and tell the tenant's dashboards. A failure here is logged, not
 * thrown: the readings and alerts are committed, and the sweep job publishes whatever is still
 * unmarked a minute later (live updates are best effort; dashboards catch up from the API).
 */
export async function handOff(
  deps: Pick<AppDeps, 'jobs' | 'notify' | 'log' | 'live'>,
  db: Database,
  tenantId: string,
  result: EvaluationResult,
) {
  await Promise.all([
    deps.live.publish(tenantId, result.live),
    ...result.raised.map(async (alertId) => {
      try {
        await startEscalation({
          ctx: { ports: { jobs: notificationJobs(deps) } },
          input: { tenantId, alertId },
        });
        await markNotifyStarted(db, tenantId, alertId);
      } catch (err) {
        deps.log({ warning: 'escalation_not_started', alertId, error: String(err) });
      }
    }),
    ...result.checks.map(async ({ excursionId, dueAt }) => {
      try {
        const messageId = await deps.jobs.publish(
          excursionCheckJob,
          { tenantId, excursionId },
          { notBefore: dueAt },
        );
        await setExcursionCheck(db, tenantId, excursionId, messageId);
      } catch (err) {
        deps.log({ warning: 'excursion_check_not_scheduled', excursionId, error: String(err) });
      }
    }),
  ]);
}
