import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIngestBody } from './ingest-body.js';
import { canonicalMetric, normaliseMetric, unitOfMetric } from './metrics.js';

// Issue #22 item 2: names devices send meet lookup tables; an inherited property must never match.
const NOW = 1_780_315_200_000; // 2026-06-01T12:00:00Z

/** Every name a plain object answers to without owning it, in the cases devices might send. */
const BUILT_IN_NAMES = [
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
  'length',
  'name',
  'call',
  'apply',
  'bind',
].flatMap((n) => [n, n.toLowerCase(), n.toUpperCase()]);

describe('prototype-free metric lookups', () => {
  it("refuses a metric named constructor alone and stores the batch's good reading", () => {
    const parsed = parseIngestBody(
      '{"readings":[{"ts":1780315200000,"constructor":5},{"ts":1780315200000,"temperature":4}]}',
      NOW,
    );
    expect(parsed.rows).toEqual([{ metric: 'temperature', ts: NOW, value: 4, seq: null }]);
    expect(parsed.rejected).toEqual([
      { index: 0, code: 'invalid_metric', detail: 'metric name "constructor" is reserved' },
    ]);
  });

  it('finds no canonical metric, unit or door word through the prototype', () => {
    for (const name of BUILT_IN_NAMES) {
      expect(canonicalMetric(name)).toBeUndefined();
      expect(unitOfMetric(name)).toBeNull();
      expect(normaliseMetric('door_status', name)).toMatchObject({ code: 'invalid_value' });
    }
    expect(unitOfMetric('temperature')).toBe('°C');
  });

  it('property: any name with any JSON value is a value or a refusal, never a throw', () => {
    const name = fc.oneof(fc.constantFrom(...BUILT_IN_NAMES), fc.string(), fc.constant('temp_f'));
    const value = fc.oneof(
      fc.constantFrom(...BUILT_IN_NAMES),
      fc.jsonValue(),
      fc.double(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(name, value, (n, v) => {
        const result = normaliseMetric(n, v);
        if ('code' in result) {
          expect(['invalid_value', 'out_of_range', 'invalid_metric']).toContain(result.code);
        } else {
          expect(Number.isFinite(result.value)).toBe(true);
          // A stored name is a canonical metric or a custom one that is not a built-in name.
          expect(
            canonicalMetric(result.metric) !== undefined ||
              !Object.hasOwn(Object.prototype, result.metric),
          ).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: a reading keyed by built-in names is refused alone, the good one kept', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...BUILT_IN_NAMES), fc.jsonValue(), { minKeys: 1 }),
        (bad) => {
          const body = `{"readings":[${JSON.stringify({ ts: NOW, ...bad })},{"ts":${NOW},"temperature":4}]}`;
          const parsed = parseIngestBody(body, NOW);
          expect(parsed.rows).toContainEqual({
            metric: 'temperature',
            ts: NOW,
            value: 4,
            seq: null,
          });
          expect(parsed.rejected.map((r) => r.index)).not.toContain(1);
          expect(parsed.rows.every((r) => !Object.hasOwn(Object.prototype, r.metric))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
