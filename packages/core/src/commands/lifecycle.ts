import { DomainError } from '../errors/domain-error.js';

/**
 * A command's lifecycle: pending → sent → acknowledged → completed | failed, or expired when
 * its time to live runs out before the device acknowledged it.
 *
 * Delivery is at least once. The server cannot know whether a frame or an HTTP answer reached
 * the device, so a `sent` command that is not acknowledged is sent again at the next chance (the
 * device's next ingest answer, or its next room connection) until it is acknowledged or expires;
 * devices tell repeats apart by the command id. Once acknowledged, the device owns the command:
 * it no longer expires, and its result may come over either path, later.
 */
export const COMMAND_STATUSES = [
  'pending',
  'sent',
  'acknowledged',
  'completed',
  'failed',
  'expired',
] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** Statuses a command never leaves. */
export const FINAL_COMMAND_STATUSES = [
  'completed',
  'failed',
  'expired',
] as const satisfies readonly CommandStatus[];

/** Statuses in which a command is (again) handed to the device and can still expire. */
export const UNACKNOWLEDGED_COMMAND_STATUSES = [
  'pending',
  'sent',
] as const satisfies readonly CommandStatus[];

/**
 * A `sent`, unacknowledged command is re-sent in an ingest answer only after this long: a device
 * that got it a moment ago over its room connection, and is acknowledging it, is not sent it
 * twice. A new room connection re-sends at once (the old one may have lost it).
 */
export const COMMAND_REDELIVERY_SECONDS = 30;

/** What the lifecycle needs to know about a command. */
export type CommandState = { status: CommandStatus; expiresAt: Date };

/** Something that happens to a command. */
export type CommandEvent =
  /** The server hands the command to the device (first time or again). */
  | { type: 'deliver' }
  /** The device says it has the command. */
  | { type: 'acknowledge' }
  /** The device reports progress (e.g. of an update); implies it has the command. */
  | { type: 'progress' }
  /** The device reports the outcome. */
  | { type: 'result'; outcome: 'completed' | 'failed' }
  /** The expiry job looks at the command. */
  | { type: 'expire' };

/**
 * The status after an event. `changed` is false for a repeat the device may send (a second
 * acknowledgement, the same result again, progress) and for an expiry check that finds nothing
 * to do: those answer with the current status and write nothing.
 */
export type CommandStep = { status: CommandStatus; changed: boolean };

const conflict = (message: string, reason: string) =>
  new DomainError('CONFLICT', message, { reason });

const isFinal = (status: CommandStatus) =>
  (FINAL_COMMAND_STATUSES as readonly CommandStatus[]).includes(status);

/** True when the command was not acknowledged and its time to live has run out. */
export function isCommandOverdue(state: CommandState, now: Date): boolean {
  return (
    (UNACKNOWLEDGED_COMMAND_STATUSES as readonly CommandStatus[]).includes(state.status) &&
    now.getTime() >= state.expiresAt.getTime()
  );
}

/**
 * The one transition table. Throws CONFLICT (reason `expired`, `not_delivered`,
 * `already_acknowledged`, `already_completed`, `already_failed`) for an event the command's
 * state does not allow; returns `changed: false` for harmless repeats.
 */
export function stepCommand(state: CommandState, event: CommandEvent, now: Date): CommandStep {
  const { status } = state;
  const same = { status, changed: false };
  if (event.type === 'expire') {
    return isCommandOverdue(state, now) ? { status: 'expired', changed: true } : same;
  }
  if (status === 'expired' || isCommandOverdue(state, now)) {
    throw conflict('The command expired before the device acknowledged it.', 'expired');
  }
  switch (event.type) {
    case 'deliver':
      if (status === 'pending' || status === 'sent') return { status: 'sent', changed: true };
      if (status === 'acknowledged') {
        throw conflict('The device has already acknowledged the command.', 'already_acknowledged');
      }
      throw conflict(`The command is already ${status}.`, `already_${status}`);
    case 'acknowledge':
    case 'progress':
      if (status === 'pending') throw notDelivered();
      if (status === 'sent') return { status: 'acknowledged', changed: true };
      // A repeated acknowledgement, progress, or an ack that arrives after the result.
      return same;
    case 'result':
      if (status === 'pending') throw notDelivered();
      if (isFinal(status)) {
        if (status === event.outcome) return same;
        throw conflict(
          `The command already ${status}; its result cannot change.`,
          `already_${status}`,
        );
      }
      return { status: event.outcome, changed: true };
  }
}

const notDelivered = () => conflict('The command was not sent to the device yet.', 'not_delivered');

/**
 * True when the command should go to the device now: pending, or sent and not acknowledged —
 * at once on a new connection (`immediately`), otherwise once the redelivery pause passed.
 */
export function isCommandDeliverable(
  state: CommandState & { lastSentAt: Date | null },
  now: Date,
  options: { immediately?: boolean } = {},
): boolean {
  if (isCommandOverdue(state, now)) return false;
  if (state.status === 'pending') return true;
  if (state.status !== 'sent') return false;
  if (options.immediately || state.lastSentAt === null) return true;
  return now.getTime() - state.lastSentAt.getTime() >= COMMAND_REDELIVERY_SECONDS * 1_000;
}
