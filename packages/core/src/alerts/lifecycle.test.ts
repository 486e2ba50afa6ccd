import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, conditionCleared, resolveAlert } from './lifecycle.js';

const user = { type: 'user' as const, id: 'usr_1' };
const system = { type: 'system' as const, id: 'alerts' };
const at = new Date('2026-11-23T10:00:00Z');
const active = { status: 'active' as const, endedAt: null };

describe('alert lifecycle', () => {
  it('acknowledges with a comment or a reason and records who and when', () => {
    expect(acknowledgeAlert(active, { actor: user, at, comment: ' moving stock ' })).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: user,
      acknowledgedAt: at,
      ackComment: 'moving stock',
      ackReasonCode: null,
    });
    expect(acknowledgeAlert(active, { actor: user, at, reasonCode: 'defrost_cycle' }).status).toBe(
      'acknowledged',
    );
  });

  it('refuses an acknowledgement without words', () => {
    for (const input of [{}, { comment: '   ' }, { reasonCode: 'other' as const }]) {
      expect(() => acknowledgeAlert(active, { actor: user, at, ...input })).toThrowError(
        expect.objectContaining({ code: 'VALIDATION' }),
      );
    }
  });

  it('answers conflict to a second acknowledgement or one after resolution', () => {
    const ack = { status: 'acknowledged' as const, endedAt: null };
    expect(() => acknowledgeAlert(ack, { actor: user, at, comment: 'x' })).toThrowError(
      expect.objectContaining({ code: 'CONFLICT', details: { reason: 'already_acknowledged' } }),
    );
    const resolved = { status: 'resolved' as const, endedAt: at };
    expect(() => acknowledgeAlert(resolved, { actor: user, at, comment: 'x' })).toThrowError(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });

  it('resolves on acknowledgement when the condition had already cleared', () => {
    const t = acknowledgeAlert(
      { status: 'active', endedAt: at },
      { actor: user, at, comment: 'ok' },
    );
    expect(t).toMatchObject({
      status: 'resolved',
      resolution: 'condition_cleared',
      resolvedBy: user,
    });
    expect(t.events.map((e) => e.type)).toEqual(['acknowledged', 'resolved']);
  });

  it('resolves an acknowledged alert when the condition clears, but leaves an active one for a person', () => {
    const ack = { status: 'acknowledged' as const, endedAt: null };
    expect(conditionCleared(ack, { endedAt: at, at, system })).toMatchObject({
      status: 'resolved',
      resolvedBy: system,
    });
    const stays = conditionCleared(active, { endedAt: at, at, system });
    expect(stays).toMatchObject({ status: 'active' });
    expect(stays?.events.map((e) => e.type)).toEqual(['condition_cleared']);
    expect(
      conditionCleared({ status: 'resolved', endedAt: at }, { endedAt: at, at, system }),
    ).toBeNull();
    expect(
      conditionCleared({ status: 'active', endedAt: at }, { endedAt: at, at, system }),
    ).toBeNull();
  });

  it('resolves by hand only with a reason, and only once', () => {
    expect(resolveAlert(active, { actor: user, at, reason: 'stock discarded' })).toMatchObject({
      status: 'resolved',
      resolution: 'stock discarded',
    });
    expect(() => resolveAlert(active, { actor: user, at, reason: ' ' })).toThrowError(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() =>
      resolveAlert({ status: 'resolved', endedAt: null }, { actor: user, at, reason: 'x' }),
    ).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
