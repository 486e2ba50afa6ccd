import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors/domain-error.js';
import {
  COMMAND_REDELIVERY_SECONDS,
  COMMAND_STATUSES,
  type CommandEvent,
  type CommandStatus,
  FINAL_COMMAND_STATUSES,
  isCommandDeliverable,
  isCommandOverdue,
  stepCommand,
} from './lifecycle.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const LATER = new Date(NOW.getTime() + 3_600_000);
const EARLIER = new Date(NOW.getTime() - 1);
const live = (status: CommandStatus) => ({ status, expiresAt: LATER });
const overdue = (status: CommandStatus) => ({ status, expiresAt: EARLIER });

/** The outcome of an event as one string: the next status (`*` when changed) or the refusal. */
function outcome(state: { status: CommandStatus; expiresAt: Date }, event: CommandEvent) {
  try {
    const step = stepCommand(state, event, NOW);
    return step.changed ? `${step.status}*` : step.status;
  } catch (err) {
    if (isDomainError(err) && err.code === 'CONFLICT') return `! ${err.details.reason}`;
    throw err;
  }
}

const EVENTS: [string, CommandEvent][] = [
  ['deliver', { type: 'deliver' }],
  ['acknowledge', { type: 'acknowledge' }],
  ['progress', { type: 'progress' }],
  ['completed', { type: 'result', outcome: 'completed' }],
  ['failed', { type: 'result', outcome: 'failed' }],
  ['expire', { type: 'expire' }],
];

// The whole table, written out by hand: a change to the rules must change this on purpose.
// `x*` = changes to x (written and audited); a bare status = a repeat, answered, nothing written;
// `! reason` = refused (CONFLICT).
//                deliver                   acknowledge        progress           completed             failed             expire
// biome-ignore format: the table is aligned by hand
const WITHIN_TTL: Record<CommandStatus, string> = {
  pending: /*   */ 'sent*                   | ! not_delivered  | ! not_delivered  | ! not_delivered     | ! not_delivered  | pending',
  sent: /*      */ 'sent*                   | acknowledged*    | acknowledged*    | completed*          | failed*          | sent',
  acknowledged:    '! already_acknowledged  | acknowledged     | acknowledged     | completed*          | failed*          | acknowledged',
  completed: /* */ '! already_completed     | completed        | completed        | completed           | ! already_completed | completed',
  failed: /*    */ '! already_failed        | failed           | failed           | ! already_failed    | failed           | failed',
  expired: /*   */ '! expired               | ! expired        | ! expired        | ! expired           | ! expired        | expired',
};
const row = (status: CommandStatus) => WITHIN_TTL[status].split('|').map((cell) => cell.trim());

describe('stepCommand', () => {
  for (const status of COMMAND_STATUSES) {
    it(`within its time to live, a ${status} command`, () => {
      expect(EVENTS.map(([, e]) => outcome(live(status), e))).toEqual(row(status));
    });
  }

  it('past its time to live, an unacknowledged command can only expire', () => {
    for (const status of ['pending', 'sent'] as const) {
      expect(EVENTS.map(([, e]) => outcome(overdue(status), e))).toEqual([
        '! expired',
        '! expired',
        '! expired',
        '! expired',
        '! expired',
        'expired*',
      ]);
    }
  });

  it('past its time to live, an acknowledged command still takes its result and never expires', () => {
    expect(outcome(overdue('acknowledged'), { type: 'result', outcome: 'completed' })).toBe(
      'completed*',
    );
    expect(outcome(overdue('acknowledged'), { type: 'expire' })).toBe('acknowledged');
  });

  it('expires exactly at expiresAt, not a millisecond before', () => {
    const at = new Date(NOW);
    expect(stepCommand({ status: 'sent', expiresAt: at }, { type: 'expire' }, NOW)).toEqual({
      status: 'expired',
      changed: true,
    });
    const justAfter = new Date(NOW.getTime() + 1);
    expect(
      stepCommand({ status: 'sent', expiresAt: justAfter }, { type: 'expire' }, NOW).changed,
    ).toBe(false);
  });

  it('never leaves a final status, whatever happens (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FINAL_COMMAND_STATUSES),
        fc.constantFrom(...EVENTS.map(([, e]) => e)),
        fc.boolean(),
        (status, event, past) => {
          const state = past ? overdue(status) : live(status);
          const result = outcome(state, event);
          expect(result.startsWith('!') || result === status).toBe(true);
        },
      ),
    );
  });

  it('applying the same event twice changes nothing the second time (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMMAND_STATUSES),
        fc.constantFrom(...EVENTS.filter(([n]) => n !== 'deliver').map(([, e]) => e)),
        fc.boolean(),
        (status, event, past) => {
          const state = past ? overdue(status) : live(status);
          let first: CommandStatus;
          try {
            first = stepCommand(state, event, NOW).status;
          } catch {
            return;
          }
          const again = stepCommand({ ...state, status: first }, event, NOW);
          expect(again).toEqual({ status: first, changed: false });
        },
      ),
    );
  });
});

describe('isCommandOverdue / isCommandDeliverable', () => {
  it('overdue only while unacknowledged', () => {
    expect(isCommandOverdue(overdue('pending'), NOW)).toBe(true);
    expect(isCommandOverdue(overdue('sent'), NOW)).toBe(true);
    expect(isCommandOverdue(overdue('acknowledged'), NOW)).toBe(false);
    expect(isCommandOverdue(live('pending'), NOW)).toBe(false);
  });

  it('delivers pending at once, re-sends a sent one after the pause or on a new connection', () => {
    const justSent = new Date(NOW.getTime() - 1_000);
    const longAgo = new Date(NOW.getTime() - COMMAND_REDELIVERY_SECONDS * 1_000);
    expect(isCommandDeliverable({ ...live('pending'), lastSentAt: null }, NOW)).toBe(true);
    expect(isCommandDeliverable({ ...live('sent'), lastSentAt: justSent }, NOW)).toBe(false);
    expect(isCommandDeliverable({ ...live('sent'), lastSentAt: longAgo }, NOW)).toBe(true);
    expect(
      isCommandDeliverable({ ...live('sent'), lastSentAt: justSent }, NOW, { immediately: true }),
    ).toBe(true);
    expect(isCommandDeliverable({ ...live('acknowledged'), lastSentAt: longAgo }, NOW)).toBe(false);
    expect(isCommandDeliverable({ ...overdue('pending'), lastSentAt: null }, NOW)).toBe(false);
  });
});
