import {
  type AckReasonCode,
  type AlertLifecycleState,
  acknowledgeAlert,
  DomainError,
  isId,
  resolveAlert,
  type Transition,
} from '@anythingiot/core';
import { type Alert, alertRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { liveAlertEvent, transitionChange } from '../live/alert-events.js';
import { alertNotFound } from './alert-errors.js';

const changedMeanwhile = () =>
  new DomainError('CONFLICT', 'The alert was changed meanwhile; reload it.', {
    reason: 'concurrent_change',
  });

/**
 * Reads the alert, computes the transition, and applies it only if nobody changed the alert
 * in between. Of two people acknowledging at once, one wins; the other is told it is done.
 * `seenVersion` (the version a person was looking at, e.g. on a page) makes their decision
 * conditional on what they saw: if anyone changed the alert since, nothing is written.
 */
async function changeAlert(
  ctx: TenantCtx,
  id: string,
  decide: (state: AlertLifecycleState) => Transition,
  reason: string | null,
  seenVersion: number | undefined,
): Promise<Alert> {
  if (!isId('alert', id)) throw alertNotFound(id);
  const repo = alertRepo(ctx.db, ctx.tenantId, ctx);
  const alert = await repo.get(id);
  if (!alert) throw alertNotFound(id);
  if (seenVersion !== undefined && seenVersion !== alert.version) throw changedMeanwhile();
  const transition = decide(alert);
  const updated = await repo.applyTransition(id, alert.version, transition, {
    ...auditMeta(ctx),
    reason,
  });
  if (updated) {
    // Committed: dashboards showing the alert update live (a failed publish is only logged).
    await ctx.ports.live?.publish(ctx.tenantId, [
      liveAlertEvent(updated, transitionChange(alert.status, updated), ctx.ports.now()),
    ]);
    return updated;
  }
  // Lost the race: answer from the state that won.
  const now = await repo.get(id);
  if (now) decide(now);
  throw changedMeanwhile();
}

/** Acknowledge: who, when, and a comment or reason code. */
export function acknowledge({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; reasonCode?: AckReasonCode; comment?: string; seenVersion?: number };
}): Promise<Alert> {
  return changeAlert(
    ctx,
    input.id,
    (state) =>
      acknowledgeAlert(state, {
        actor: ctx.actor,
        at: new Date(ctx.ports.now()),
        reasonCode: input.reasonCode,
        comment: input.comment,
      }),
    input.comment ?? input.reasonCode ?? null,
    input.seenVersion,
  );
}

/** Resolve by hand, with a reason. */
export function resolve({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; reason: string; seenVersion?: number };
}): Promise<Alert> {
  return changeAlert(
    ctx,
    input.id,
    (state) =>
      resolveAlert(state, {
        actor: ctx.actor,
        at: new Date(ctx.ports.now()),
        reason: input.reason,
      }),
    input.reason,
    input.seenVersion,
  );
}
