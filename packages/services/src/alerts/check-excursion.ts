import { alertDueAt, applyDueDecision, checkDue, type DueDecision } from '@anythingiot/core';
import {
  alertRuleRepo,
  deviceAlertContext,
  getExcursion,
  lockDeviceEvaluation,
  updateExcursion,
} from '@anythingiot/db';
import type { SystemCtx } from '../context.js';
import { emptyEvaluation, evaluationCtx, raise } from './evaluate-readings.js';
import { handOff } from './hand-off.js';
import { type ExcursionCheckJob, excursionCheckJob } from './jobs.js';

export type CheckOutcome = DueDecision | 'gone' | 'rule_inactive';

/**
 * The check at an excursion's due instant: still open → raise now (marked data gap when the
 * device has gone quiet). Idempotent: an alerted, closed or vanished excursion changes nothing,
 * and an early delivery re-schedules itself.
 */
export async function checkExcursion({
  ctx: { db, ports, requestId },
  input: job,
}: {
  ctx: Pick<SystemCtx, 'db' | 'ports' | 'requestId'>;
  input: ExcursionCheckJob;
}): Promise<CheckOutcome> {
  const first = await getExcursion(db, job.tenantId, job.excursionId);
  if (!first) return 'gone';
  const t = { tenantId: job.tenantId, deviceId: first.deviceId };
  const [device, rule] = await Promise.all([
    deviceAlertContext(db, t.tenantId, t.deviceId),
    alertRuleRepo(db, t.tenantId).get(first.ruleId),
  ]);
  if (!device) return 'gone';
  if (!rule || rule.archivedAt || !rule.enabled) return 'rule_inactive';

  const result = emptyEvaluation();
  let dueAt = alertDueAt(first, rule);
  const decision = await db.transaction(async (tx) => {
    await lockDeviceEvaluation(tx, t.deviceId);
    const excursion = await getExcursion(tx, t.tenantId, job.excursionId);
    if (!excursion) return 'gone' as const;
    dueAt = alertDueAt(excursion, rule); // late data may have moved its start
    const ctx = evaluationCtx(tx, t, device, ports, requestId, result);
    const verdict = checkDue(excursion, rule, ports.now(), ctx.opts);
    if (verdict === 'raise' || verdict === 'raise_data_gap') {
      const due = applyDueDecision(excursion, rule, verdict);
      await updateExcursion(tx, t, excursion.id, due);
      await raise(ctx, rule, excursion.id, due, false);
    }
    return verdict;
  });
  if (decision === 'not_yet') {
    // Delivered early (clock skew between QStash and us): ask again at the due instant.
    await ports.jobs.publish(excursionCheckJob, job, { notBefore: dueAt });
  }
  await handOff(ports, db, t.tenantId, result);
  return decision;
}
