import { describe, expect, it } from 'vitest';
import { unite } from '../app/ui/live/live';
import type { LiveEvent } from '../app/ui/live/protocol';
import { mergeSeries, newerLatest, placeOf, pointsOf, sinceFrom } from '../app/ui/live/series';

// How live readings join what a page shows: newest values by event time, raw series by
// reading identity, buckets only past the server's last one (never counted twice).

const MINUTE = 60_000;
const T = Date.UTC(2026, 10, 23, 12, 0);

const readings = (
  latest: Record<string, { ts: number; value: number }>,
  points: { metric: string; ts: number; value: number }[] = [],
): Extract<LiveEvent, { type: 'readings' }> => ({
  type: 'readings',
  deviceId: 'dev_1',
  facilityId: 'fac_1',
  acceptedAt: T,
  latest,
  points,
});

describe('newest values', () => {
  it('takes a newer reading and keeps what the event does not name', () => {
    const shown = { temperature: { value: 4, ts: T }, humidity: { value: 50, ts: T } };
    const next = newerLatest(shown, readings({ temperature: { ts: T + MINUTE, value: 5 } }));
    expect(next).toEqual({ temperature: { value: 5, ts: T + MINUTE }, humidity: shown.humidity });
  });

  it('never lets a late (backfilled) reading replace a newer one, and says when nothing changed', () => {
    const shown = { temperature: { value: 4, ts: T } };
    expect(newerLatest(shown, readings({ temperature: { ts: T - MINUTE, value: 9 } }))).toBe(shown);
    expect(newerLatest(shown, readings({ temperature: { ts: T, value: 4 } }))).toBe(shown);
  });

  it('adds a metric seen for the first time', () => {
    expect(newerLatest({}, readings({ door: { ts: T, value: 1 } }))).toEqual({
      door: { value: 1, ts: T },
    });
  });
});

describe('a raw series', () => {
  const raw = { raw: true } as const;
  const server = [
    { ts: T - 2 * MINUTE, value: 4 },
    { ts: T - MINUTE, value: 4.2 },
  ];

  it('appends new readings, places a late one where it belongs, and never doubles one', () => {
    const merged = mergeSeries(
      server,
      [
        { ts: T, value: 4.4 },
        { ts: T - MINUTE, value: 4.2 }, // already on the server's series
        { ts: T - 90_000, value: 4.1 }, // late
        { ts: T, value: 4.4 }, // the same event folded twice
      ],
      raw,
    );
    expect(merged.map((p) => [p.ts - T, p.value])).toEqual([
      [-120_000, 4],
      [-90_000, 4.1],
      [-60_000, 4.2],
      [0, 4.4],
    ]);
    expect(placeOf(server, T - 90_000, raw)).toBe('own');
  });

  it('keeps a sliding window its width', () => {
    expect(sinceFrom(server, T - 90_000, raw)).toEqual([server[1]]);
  });
});

describe('a bucketed series', () => {
  const minute = { raw: false, bucketMs: MINUTE } as const;
  const server = [
    { ts: T - MINUTE, value: 4, min: 3.9, max: 4.1, count: 6 },
    { ts: T, value: 4.2, min: 4.2, max: 4.2, count: 1 },
  ];

  it('folds readings after the last bucket into buckets of their own, each reading once', () => {
    const merged = mergeSeries(
      server,
      [
        { ts: T + MINUTE + 10_000, value: 5 },
        { ts: T + MINUTE + 40_000, value: 7 },
        { ts: T + MINUTE + 40_000, value: 7 },
        { ts: T + 3 * MINUTE, value: 6 },
      ],
      minute,
    );
    expect(merged.slice(0, 2)).toEqual(server);
    expect(merged.slice(2)).toEqual([
      { ts: T + MINUTE, value: 6, min: 5, max: 7, count: 2 },
      { ts: T + 3 * MINUTE, value: 6, min: 6, max: 6, count: 1 },
    ]);
  });

  it("leaves readings in the server's buckets to a re-read: it cannot tell if they were counted", () => {
    const merged = mergeSeries(server, [{ ts: T + 30_000, value: 9 }], minute);
    expect(merged).toEqual(server);
    expect(placeOf(server, T + 30_000, minute)).toBe('server');
    expect(placeOf(server, T - 10 * MINUTE, minute)).toBe('server');
    expect(placeOf(server, T + MINUTE, minute)).toBe('own');
    expect(placeOf([], T, minute)).toBe('own');
  });

  it('drops whole buckets that slid out of the range', () => {
    expect(sinceFrom(server, T - 30_000, minute)).toEqual(server);
    expect(sinceFrom(server, T + 1, minute)).toEqual([server[1]]);
  });
});

describe('the points of a metric', () => {
  it('come from the event in order; a coalesced event has none', () => {
    const event = readings({}, [
      { metric: 'temperature', ts: T, value: 4 },
      { metric: 'humidity', ts: T, value: 50 },
      { metric: 'temperature', ts: T + MINUTE, value: 5 },
    ]);
    expect(pointsOf(event, 'temperature')).toEqual([
      { ts: T, value: 4 },
      { ts: T + MINUTE, value: 5 },
    ]);
    expect(pointsOf({ ...event, points: [], coalesced: true }, 'temperature')).toEqual([]);
  });
});

describe('scopes', () => {
  it('unite facilities and devices; all wins', () => {
    expect(
      unite(
        { facilityIds: ['f1'], deviceIds: ['d1'] },
        { facilityIds: ['f1', 'f2'], deviceIds: [] },
      ),
    ).toEqual({ facilityIds: ['f1', 'f2'], deviceIds: ['d1'] });
    expect(
      unite({ facilityIds: 'all', deviceIds: [] }, { facilityIds: ['f2'], deviceIds: ['d'] }),
    ).toEqual({ facilityIds: 'all', deviceIds: ['d'] });
  });
});
