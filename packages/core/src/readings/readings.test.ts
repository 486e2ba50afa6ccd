import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INGEST_LIMITS, parseEventTime, parseIngestBody } from './ingest-body.js';
import { normaliseMetric } from './metrics.js';

const NOW = Date.parse('2026-11-23T10:00:00.000Z');

describe('parseIngestBody', () => {
  it("accepts the customer guide's format, normalising names and door words", () => {
    const body = JSON.stringify({
      readings: [
        {
          ts: '2026-11-23T09:59:00.123456Z',
          sensor_id: 'sensor-001',
          temperature: 4.5,
          humidity: 61.2,
          door_status: 'closed',
          power_consumption: 120,
        },
      ],
    });
    const parsed = parseIngestBody(body, NOW);
    const ts = Date.parse('2026-11-23T09:59:00.123Z');
    expect(parsed.rejected).toEqual([]);
    expect(parsed.rows).toEqual([
      { metric: 'temperature', ts, value: 4.5, seq: null },
      { metric: 'humidity', ts, value: 61.2, seq: null },
      { metric: 'door', ts, value: 0, seq: null },
      { metric: 'power', ts, value: 120, seq: null },
    ]);
  });

  it('accepts the generic metrics map with seq, unit conversion and custom metrics', () => {
    const body = JSON.stringify({
      readings: [{ ts: NOW - 1000, seq: 7, metrics: { temp_f: 41, battery: 87, co2_ppm: 612 } }],
    });
    expect(parseIngestBody(body, NOW).rows).toEqual([
      { metric: 'temperature', ts: NOW - 1000, value: 5, seq: 7 },
      { metric: 'battery', ts: NOW - 1000, value: 87, seq: 7 },
      { metric: 'co2_ppm', ts: NOW - 1000, value: 612, seq: 7 },
    ]);
  });

  it('rejects bad readings one by one and keeps the good ones', () => {
    const body = `{"readings":[
      {"ts":"2026-11-23T09:00:00Z","temperature":5},
      {"ts":"2026-11-23T09:00:00Z","temperature":1e999},
      {"ts":"2030-01-01T00:00:00Z","temperature":5},
      {"ts":"1970-01-02T00:00:00Z","temperature":5},
      {"ts":"yesterday","temperature":5},
      {"ts":"2026-11-23T09:00:00","temperature":5},
      {"ts":"2026-11-23T09:00:00Z","humidity":140},
      {"ts":"2026-11-23T09:00:00Z","door_status":"ajar"},
      {"ts":"2026-11-23T09:00:00Z"},
      {"ts":"2026-11-23T09:00:00Z","metrics":{"Bad Name!":1}},
      {"ts":"2026-11-23T09:00:00Z","metrics":{"temperature":5,"temp_f":41}},
      {"ts":"2026-11-23T09:00:00Z","seq":-1,"temperature":5},
      42
    ]}`;
    const parsed = parseIngestBody(body, NOW);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'invalid_value'],
      [2, 'future_timestamp'],
      [3, 'too_old'],
      [4, 'invalid_timestamp'],
      [5, 'invalid_timestamp'],
      [6, 'out_of_range'],
      [7, 'invalid_value'],
      [8, 'no_metrics'],
      [9, 'invalid_metric'],
      [10, 'duplicate_metric'],
      [11, 'invalid_seq'],
      [12, 'invalid_reading'],
    ]);
    for (const r of parsed.rejected) expect(r.detail.length).toBeGreaterThan(0);
  });

  it.each([
    ['not json', 'malformed_json'],
    ['{"readings":[]}', 'no_readings'],
    ['{"nope":1}', 'no_readings'],
    ['null', 'no_readings'],
  ])('refuses %s as a whole batch (%s)', (body, reason) => {
    expect(() => parseIngestBody(body, NOW)).toThrow(
      expect.objectContaining({ code: 'VALIDATION', details: expect.objectContaining({ reason }) }),
    );
  });

  it('refuses more than 1,000 readings', () => {
    const readings = Array.from({ length: DEFAULT_INGEST_LIMITS.maxReadings + 1 }, () => ({
      ts: NOW,
      temperature: 4,
    }));
    expect(() => parseIngestBody(JSON.stringify({ readings }), NOW)).toThrow(
      /At most 1000 readings/,
    );
  });
});

describe('parseEventTime', () => {
  it('reads ISO with any fraction and offset, Unix ms and Unix seconds alike', () => {
    const ms = Date.parse('2026-11-23T10:00:00.250Z');
    expect(parseEventTime('2026-11-23T10:00:00.25Z')).toBe(ms);
    expect(parseEventTime('2026-11-23T11:00:00.250123+01:00')).toBe(ms);
    expect(parseEventTime('2026-11-23T05:00:00.250-0500')).toBe(ms);
    expect(parseEventTime(ms)).toBe(ms);
    expect(parseEventTime(1_763_892_000)).toBe(1_763_892_000_000);
    expect(parseEventTime('2026-11-23 10:00:00Z')).toBeNull();
    expect(parseEventTime(Number.NaN)).toBeNull();
  });

  it('round-trips every ISO time JavaScript produces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(parseEventTime(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });
});

describe('normaliseMetric', () => {
  it('converts °F to °C exactly enough for compliance', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 300, noNaN: true }), (c) => {
        const result = normaliseMetric('temperature_f', (c * 9) / 5 + 32);
        expect('value' in result && Math.abs(result.value - c) < 1e-9).toBe(true);
      }),
    );
  });
});
