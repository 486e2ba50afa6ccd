import type { LiveEvent } from '@anythingiot/core';
import { describe, expect, it } from 'vitest';
import { foldCommand, foldCommands, type LiveCommand } from '../app/ui/live/fold';

// How a command_status event changes a command on the device and facility pages.

const T = Date.UTC(2026, 10, 23, 14, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const pending: LiveCommand = {
  id: 'cmd_1',
  status: 'pending',
  sentAt: null,
  lastSentAt: null,
  acknowledgedAt: null,
  finishedAt: null,
  deliveryCount: 0,
  result: null,
  error: null,
};

const status = (
  s: LiveCommand['status'],
  at: number,
  detail: string | null = null,
  commandId = 'cmd_1',
): LiveEvent => ({
  type: 'command_status',
  commandId,
  deviceId: 'dev_fridge',
  facilityId: 'fac_1',
  command: 'ping',
  status: s,
  at,
  detail,
});

describe('foldCommand', () => {
  it('follows the lifecycle with each step’s time, and the answer or the error', () => {
    const sent = foldCommand(pending, status('sent', T));
    expect(sent).toEqual({
      ...pending,
      status: 'sent',
      sentAt: iso(T),
      lastSentAt: iso(T),
      deliveryCount: 1,
    });
    const acked = foldCommand(sent, status('acknowledged', T + 1_000));
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedAt: iso(T + 1_000) });
    expect(foldCommand(acked, status('completed', T + 2_000, '{"pong":true}'))).toMatchObject({
      status: 'completed',
      finishedAt: iso(T + 2_000),
      result: '{"pong":true}',
      error: null,
    });
    expect(foldCommand(sent, status('failed', T + 2_000, 'unsupported'))).toMatchObject({
      status: 'failed',
      error: 'unsupported',
      result: null,
    });
    expect(foldCommand(pending, status('expired', T + 60_000))).toMatchObject({
      status: 'expired',
      finishedAt: iso(T + 60_000),
      sentAt: null,
    });
  });

  it('never moves back, ignores repeats and other commands, keeping the same object', () => {
    const completed = foldCommand(
      foldCommand(pending, status('sent', T)),
      status('completed', T + 2_000, 'ok'),
    );
    for (const late of [
      status('sent', T + 5_000),
      status('acknowledged', T + 5_000),
      status('failed', T + 5_000, 'late'),
      status('pending', T + 5_000),
      status('completed', T + 9_000, 'again'),
    ]) {
      expect(foldCommand(completed, late)).toBe(completed);
    }
    expect(foldCommand(pending, status('sent', T, null, 'cmd_other'))).toBe(pending);
    const reading: LiveEvent = {
      type: 'readings',
      deviceId: 'dev_fridge',
      facilityId: 'fac_1',
      acceptedAt: T,
      latest: {},
      points: [],
    };
    expect(foldCommand(pending, reading)).toBe(pending);
  });

  it('keeps the first send time when the server says sent again after a page re-read', () => {
    const reread = { ...pending, status: 'sent' as const, sentAt: iso(T), deliveryCount: 2 };
    expect(foldCommand(reread, status('sent', T + 30_000))).toBe(reread);
  });
});

describe('foldCommands', () => {
  it('changes only the command the event is about (the same list when none)', () => {
    const list = [pending, { ...pending, id: 'cmd_2' }];
    expect(foldCommands(list, status('sent', T, null, 'cmd_3'))).toBe(list);
    const next = foldCommands(list, status('sent', T, null, 'cmd_2'));
    expect(next).not.toBe(list);
    expect(next[0]).toBe(list[0]);
    expect(next[1]?.status).toBe('sent');
  });
});
