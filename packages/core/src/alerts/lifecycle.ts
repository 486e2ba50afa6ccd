import type { Actor } from '../audit/chain.js';
import { DomainError } from '../errors/domain-error.js';

/**
 * An alert's lifecycle: active → acknowledged → resolved. Acknowledging needs a person's words
 * (a comment or a reason code): an auditor later asks "who knew, when, and what did they do".
 * When the condition clears, an acknowledged alert resolves itself; an unacknowledged one stays
 * active (someone must still look at it) and resolves the moment it is acknowledged.
 */
export const ALERT_STATUSES = ['active', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Why an alert was acknowledged; `other` needs a comment. */
export const ACK_REASON_CODES = [
  'investigating',
  'product_moved',
  'door_left_open',
  'defrost_cycle',
  'equipment_fault',
  'power_outage',
  'sensor_fault',
  'false_alarm',
  'other',
] as const;
export type AckReasonCode = (typeof ACK_REASON_CODES)[number];

export type AlertLifecycleState = {
  status: AlertStatus;
  /** Event time the condition ended; null while it lasts. */
  endedAt: Date | null;
};

export type Transition = {
  status: AlertStatus;
  acknowledgedAt?: Date;
  acknowledgedBy?: Actor;
  ackReasonCode?: AckReasonCode | null;
  ackComment?: string | null;
  resolvedAt?: Date;
  resolvedBy?: Actor;
  resolution?: string;
  /** Timeline entries this transition adds, in order. */
  events: { type: 'acknowledged' | 'resolved' | 'condition_cleared'; detail: unknown }[];
};

const conflict = (message: string, reason: string) =>
  new DomainError('CONFLICT', message, { reason });

/** A person acknowledges: comment and/or reason code required; resolves if already cleared. */
export function acknowledgeAlert(
  alert: AlertLifecycleState,
  input: { actor: Actor; at: Date; reasonCode?: AckReasonCode | null; comment?: string | null },
): Transition {
  if (alert.status === 'acknowledged') {
    throw conflict('The alert is already acknowledged.', 'already_acknowledged');
  }
  if (alert.status === 'resolved') throw conflict('The alert is resolved.', 'already_resolved');
  const comment = input.comment?.trim() || null;
  const reasonCode = input.reasonCode ?? null;
  if (!comment && (!reasonCode || reasonCode === 'other')) {
    throw new DomainError('VALIDATION', 'Say what you are doing about it: a comment or a reason.', {
      errors: [{ path: 'comment', message: 'a comment, or a reason code other than "other"' }],
    });
  }
  const ack = {
    acknowledgedAt: input.at,
    acknowledgedBy: input.actor,
    ackReasonCode: reasonCode,
    ackComment: comment,
  };
  const events: Transition['events'] = [{ type: 'acknowledged', detail: { reasonCode, comment } }];
  if (alert.endedAt) {
    events.push({ type: 'resolved', detail: { resolution: 'condition_cleared' } });
    return {
      status: 'resolved',
      ...ack,
      resolvedAt: input.at,
      resolvedBy: input.actor,
      resolution: 'condition_cleared',
      events,
    };
  }
  return { status: 'acknowledged', ...ack, events };
}

/** A person resolves by hand, with a reason (e.g. product discarded, sensor replaced). */
export function resolveAlert(
  alert: AlertLifecycleState,
  input: { actor: Actor; at: Date; reason: string },
): Transition {
  if (alert.status === 'resolved') throw conflict('The alert is resolved.', 'already_resolved');
  const reason = input.reason.trim();
  if (!reason) {
    throw new DomainError('VALIDATION', 'Resolving by hand needs a reason.', {
      errors: [{ path: 'reason', message: 'required' }],
    });
  }
  return {
    status: 'resolved',
    resolvedAt: input.at,
    resolvedBy: input.actor,
    resolution: reason,
    events: [{ type: 'resolved', detail: { resolution: reason, manual: true } }],
  };
}

/**
 * The condition ended (a clearing reading, data back). Acknowledged → resolved by the system;
 * active → stays active with `endedAt`, waiting for a person. Resolved → nothing to do.
 */
export function conditionCleared(
  alert: AlertLifecycleState,
  input: { endedAt: Date; at: Date; system: Actor },
): Transition | null {
  if (alert.status === 'resolved' || alert.endedAt) return null;
  const cleared = { type: 'condition_cleared' as const, detail: { endedAt: input.endedAt } };
  if (alert.status === 'acknowledged') {
    return {
      status: 'resolved',
      resolvedAt: input.at,
      resolvedBy: input.system,
      resolution: 'condition_cleared',
      events: [cleared, { type: 'resolved', detail: { resolution: 'condition_cleared' } }],
    };
  }
  return { status: 'active', events: [cleared] };
}
