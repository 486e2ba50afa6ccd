import { LIVE_PROTOCOL_VERSION, LiveEventSchema } from '@anythingiot/core';
import { describe, expect, it } from 'vitest';
import { LIVE_VERSION, parseServerFrame } from '../app/ui/live/protocol';

// The browser checks the room's frames by hand (no zod in the bundle). Held here to core's
// schemas: every valid event of each kind is accepted as core parses it, and for every field,
// each of a set of wrong values is refused exactly when core's schema refuses it.

const EVENTS = [
  {
    type: 'readings',
    deviceId: 'dev_1',
    facilityId: 'fac_1',
    acceptedAt: 1_700_000_000_000,
    latest: { temperature: { ts: 1_700_000_000_000, value: 4.5 } },
    points: [
      { metric: 'temperature', ts: 1_699_999_940_000, value: 4.25 },
      { metric: 'temperature', ts: 1_700_000_000_000, value: 4.5 },
    ],
  },
  {
    type: 'readings',
    deviceId: 'dev_1',
    facilityId: null,
    acceptedAt: 1_700_000_000_000,
    latest: { humidity: { ts: 1, value: -3 } },
    points: [],
    coalesced: true,
  },
  {
    type: 'device_status',
    deviceId: 'dev_1',
    facilityId: 'fac_1',
    status: 'offline',
    at: 1_700_000_000_000,
  },
  {
    type: 'alert',
    change: 'opened',
    at: 1_700_000_000_000,
    alert: {
      id: 'alr_1',
      deviceId: 'dev_1',
      facilityId: 'fac_1',
      kind: 'excursion',
      severity: 'critical',
      status: 'active',
      title: 'Fridge: temperature above 8 °C',
      metric: 'temperature',
      startedAt: 1_699_999_000_000,
      endedAt: null,
      version: 1,
    },
  },
  {
    type: 'command_status',
    commandId: 'cmd_1',
    deviceId: 'dev_1',
    facilityId: null,
    command: 'reboot',
    status: 'failed',
    at: 1_700_000_000_000,
    detail: 'no such command',
  },
  {
    type: 'command_status',
    commandId: 'cmd_1',
    deviceId: 'dev_1',
    facilityId: 'fac_1',
    command: 'reboot',
    status: 'sent',
    at: 1_700_000_000_000,
  },
] as const;

/** Values of every JSON kind, plus the edges the schemas draw (length, sign, integer). */
const WRONG: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  2 ** 60,
  '',
  'x',
  'x'.repeat(65),
  'x'.repeat(501),
  {},
  [],
  [1],
  { ts: 1, value: 'a' },
];

/** Every path to a value in `value` (objects and arrays inside too). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function withValue(value: unknown, path: (string | number)[], next: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (next === undefined) delete at[last];
  else at[last] = next;
  return copy;
}

const frameOf = (event: unknown) =>
  JSON.stringify({ v: LIVE_PROTOCOL_VERSION, seq: 7, ...(event as object) });

describe('the live frame parser', () => {
  it('speaks the protocol version of core', () => {
    expect(LIVE_VERSION).toBe(LIVE_PROTOCOL_VERSION);
  });

  it('accepts every valid event as core parses it', () => {
    for (const event of EVENTS) {
      const parsed = parseServerFrame(frameOf(event));
      expect(parsed).toEqual({
        ok: true,
        frame: { v: LIVE_VERSION, seq: 7, ...LiveEventSchema.parse(event) },
      });
    }
  });

  it('refuses a wrong or missing field exactly when core refuses it', () => {
    let refused = 0;
    for (const event of EVENTS) {
      for (const path of paths(event).filter((p) => p.length > 0 && p[0] !== 'type')) {
        for (const wrong of [undefined, ...WRONG]) {
          const changed = JSON.parse(JSON.stringify(withValue(event, path, wrong)));
          const core = LiveEventSchema.safeParse(changed).success;
          const mine = parseServerFrame(frameOf(changed));
          expect(mine.ok, `${path.join('.')} = ${JSON.stringify(wrong)}`).toBe(core);
          if (!mine.ok) refused++;
        }
      }
    }
    // The comparison is not vacuous: most of those values are wrong somewhere.
    expect(refused).toBeGreaterThan(500);
  });

  it('names the first bad field', () => {
    const bad = { ...EVENTS[0], points: [{ metric: 'temperature', ts: -5, value: 1 }] };
    expect(parseServerFrame(frameOf(bad))).toEqual({
      ok: false,
      reason: 'shape',
      path: 'points.0.ts',
    });
  });

  it('reads the control frames and refuses them malformed', () => {
    const hello = {
      v: 1,
      type: 'hello',
      tenantId: 'tnt_1',
      role: 'operator',
      facilityIds: ['fac_1'],
      expiresAt: 2,
      at: 1,
    };
    expect(parseServerFrame(JSON.stringify(hello))).toEqual({ ok: true, frame: hello });
    expect(parseServerFrame(JSON.stringify({ ...hello, facilityIds: null }))).toMatchObject({
      ok: true,
    });
    expect(parseServerFrame(JSON.stringify({ ...hello, facilityIds: [''] }))).toMatchObject({
      ok: false,
      path: 'facilityIds.0',
    });
    const subscribed = {
      v: 1,
      type: 'subscribed',
      facilityIds: 'all',
      deviceIds: [],
      expiresAt: 2,
    };
    expect(parseServerFrame(JSON.stringify(subscribed))).toEqual({ ok: true, frame: subscribed });
    expect(parseServerFrame(JSON.stringify({ ...subscribed, facilityIds: 'some' }))).toMatchObject({
      ok: false,
      path: 'facilityIds',
    });
    const error = { v: 1, type: 'error', code: 'invalid_message', detail: 'x', path: 'seq' };
    expect(parseServerFrame(JSON.stringify(error))).toEqual({ ok: true, frame: error });
    expect(parseServerFrame(JSON.stringify({ ...error, code: 'boom' }))).toMatchObject({
      ok: false,
      path: 'code',
    });
    expect(parseServerFrame('{"v":1,"type":"resync","at":5}')).toEqual({
      ok: true,
      frame: { v: 1, type: 'resync', at: 5 },
    });
    expect(parseServerFrame('{"v":1,"type":"resync"}')).toMatchObject({ ok: false, path: 'at' });
  });

  it('tells a later protocol version from garbage', () => {
    expect(parseServerFrame(JSON.stringify({ ...EVENTS[2], v: 2, seq: 1 }))).toEqual({
      ok: false,
      reason: 'newer',
    });
    expect(parseServerFrame(JSON.stringify({ ...EVENTS[2], seq: 1 }))).toMatchObject({
      ok: false,
      reason: 'shape',
      path: 'v',
    });
    expect(parseServerFrame('not json')).toEqual({ ok: false, reason: 'json' });
    expect(parseServerFrame('[1]')).toMatchObject({ ok: false, reason: 'shape' });
    expect(parseServerFrame(JSON.stringify({ v: 1, type: 'mystery', seq: 1 }))).toMatchObject({
      ok: false,
      path: 'type',
    });
  });
});
