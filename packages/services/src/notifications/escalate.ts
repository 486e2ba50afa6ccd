import {
  choosePolicy,
  DEFAULT_NOTIFICATION_POLICY,
  DomainError,
  type EscalationStep,
  type MemberCandidate,
  type NotificationPolicy,
  newId,
  personDeliveries,
  planEscalation,
  type WebhookTarget,
  webhookDeliveries,
} from '@anythingiot/core';
import {
  type Alert,
  alertRepo,
  deliveryRepo,
  type EscalationStepRecord,
  type NewDelivery,
  notificationPolicyRepo,
  recipientRepo,
  webhookEndpointRepo,
} from '@anythingiot/db';
import type { EscalateJob } from './jobs.js';
import type { NotificationJobCtx } from './ports.js';

export type EscalationOutcome =
  | { outcome: 'unknown_alert' }
  | {
      outcome: 'escalated';
      policyId: string | null;
      created: number;
      steps: string[];
      nextCheckAt: number | null;
    };

/**
 * One run of an alert's escalation (the `/v1/jobs/escalate` callback): creates the deliveries
 * of every tier due now that has not run yet, queues a deliver job for each, and schedules
 * the next run when a later tier or repeat is pending. Safe to run any number of times: steps
 * already on the timeline are skipped and delivery dedup keys are unique. Stops by itself once
 * the alert is acknowledged or resolved (planEscalation plans nothing more).
 */
export async function escalate({
  ctx,
  input,
}: {
  ctx: NotificationJobCtx;
  input: EscalateJob;
}): Promise<EscalationOutcome> {
  const { ports, db } = ctx;
  const now = ports.now();
  // Delivered ahead of its time (clocks disagree): nothing would be due, and publishing the
  // same next run again would be deduplicated away. Fail so QStash retries a little later.
  if (input.at !== undefined && now < input.at) {
    throw new DomainError('UNAVAILABLE', 'Escalation run arrived before its time.', {
      reason: 'early',
      retryAfterSeconds: Math.ceil((input.at - now) / 1_000),
    });
  }
  const alert = await alertRepo(db, input.tenantId).get(input.alertId);
  // A job for an alert that no longer exists has nothing to do; retrying would not change that.
  if (!alert) return { outcome: 'unknown_alert' };

  const [policies, members, endpoints] = await Promise.all([
    notificationPolicyRepo(db, input.tenantId).list(),
    recipientRepo(db, input.tenantId).members(),
    webhookEndpointRepo(db, input.tenantId).list(),
  ]);
  const chosen = choosePolicy(policies, alert);
  const policy: NotificationPolicy = chosen ?? DEFAULT_NOTIFICATION_POLICY;

  const deliveries = deliveryRepo(db, input.tenantId);
  const result = await deliveries.escalate(input.alertId, (locked, done) => {
    const plan = planEscalation(policy, toEscalationAlert(locked), now, done);
    return {
      steps: plan.due.map((step) =>
        stepRecord(step, locked, members, endpoints, now, chosen?.id ?? null),
      ),
      extra: plan,
    };
  });
  if (!result) return { outcome: 'unknown_alert' };
  const { extra: plan } = result;

  // Every pending delivery, not only the new ones: if a previous run committed but died before
  // publishing, this run makes up for it. The queue drops the ones already queued (same id).
  // In parallel: the first email should not wait for the last recipient's publish.
  const pending = await deliveries.pendingFor(input.alertId);
  await Promise.all(
    pending.map((d) => ports.jobs.deliver({ tenantId: input.tenantId, deliveryId: d.id })),
  );
  if (plan.nextCheckAt !== null) {
    await ports.jobs.escalate({
      tenantId: input.tenantId,
      alertId: input.alertId,
      at: plan.nextCheckAt,
    });
  }
  return {
    outcome: 'escalated',
    policyId: chosen?.id ?? null,
    created: result.created.length,
    steps: plan.due.map((s) => s.dedupKey),
    nextCheckAt: plan.nextCheckAt,
  };
}

const toEscalationAlert = (a: Alert) => ({
  id: a.id,
  severity: a.severity,
  raisedAt: a.raisedAt.getTime(),
  acknowledgedAt: a.acknowledgedAt?.getTime() ?? null,
  resolvedAt: a.resolvedAt?.getTime() ?? null,
});

function stepRecord(
  step: EscalationStep,
  alert: Alert,
  members: MemberCandidate[],
  endpoints: WebhookTarget[],
  now: number,
  policyId: string | null,
): EscalationStepRecord {
  const people = personDeliveries({
    tier: step,
    members,
    facilityId: alert.facilityId,
    severity: alert.severity,
    nowMs: now,
  });
  const hooks = webhookDeliveries(step, endpoints);
  const base = { tier: step.tier, repeat: step.repeat, webhookEndpointId: null, userId: null };
  const rows: NewDelivery[] = [
    ...people.map((p) => ({
      ...base,
      id: newId('delivery'),
      channel: p.channel,
      recipient: p.address,
      userId: p.userId,
      dedupKey: `${step.dedupKey}:${p.channel}:${p.userId}`,
    })),
    ...hooks.map((h) => ({
      ...base,
      id: newId('delivery'),
      channel: 'webhook' as const,
      recipient: h.url,
      webhookEndpointId: h.id,
      dedupKey: `${step.dedupKey}:webhook:${h.id}`,
    })),
  ];
  return {
    tier: step.tier,
    repeat: step.repeat,
    event: step.tier === 1 && step.repeat === 0 ? 'notified' : 'escalated',
    // Who was reached is on the deliveries; the timeline says which policy decided and how many.
    detail: { policyId, dueAt: new Date(step.dueAt).toISOString(), deliveries: rows.length },
    deliveries: rows,
  };
}
