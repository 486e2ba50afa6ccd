import { isDomainError } from '@anythingiot/core';
import { describe, expect, it } from 'vitest';
import {
  buildChart,
  byImportance,
  localInputToUtc,
  markExcursions,
  parseHistoryQuery,
  thresholdsOf,
  utcToLocalInput,
  yDomain,
} from './device-history.server';

const MINUTE = 60_000;

describe('datetime-local values in the tenant time zone', () => {
  it('reads wall time in winter and summer, and around the DST changes', () => {
    expect(localInputToUtc('2026-01-10T08:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 10, 7));
    expect(localInputToUtc('2026-07-10T08:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 10, 6));
    expect(localInputToUtc('2026-03-29T03:30', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(localInputToUtc('2026-11-01T08:00', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 13));
    expect(localInputToUtc('2026-01-10T08:00:30', 'UTC')).toBe(Date.UTC(2026, 0, 10, 8, 0, 30));
  });

  it('refuses what is no real date and time', () => {
    for (const bad of ['2026-02-30T08:00', '2026-01-10T24:30', '2026-13-01T00:00', 'yesterday']) {
      expect(localInputToUtc(bad, 'Europe/Berlin'), bad).toBeUndefined();
    }
  });

  it('round-trips through the input format', () => {
    const ms = Date.UTC(2026, 5, 1, 22, 15);
    const local = utcToLocalInput(ms, 'Asia/Kolkata');
    expect(local).toBe('2026-06-02T03:45');
    expect(localInputToUtc(local, 'Asia/Kolkata')).toBe(ms);
  });
});

describe('parseHistoryQuery', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  const parse = (query: string) => parseHistoryQuery(new URLSearchParams(query), now, 'UTC');
  const fields = (query: string) => {
    try {
      parse(query);
    } catch (err) {
      if (isDomainError(err)) return err.details.errors?.map((e) => e.path);
      throw err;
    }
    throw new Error('expected VALIDATION');
  };

  it('defaults to the last 24 h and knows the presets', () => {
    expect(parse('')).toEqual({ range: '24h', from: now - 86_400_000, to: now });
    expect(parse('range=1h')).toEqual({ range: '1h', from: now - 3_600_000, to: now });
    expect(parse('range=30d').from).toBe(now - 30 * 86_400_000);
  });

  it('names every bad field of a custom range at once', () => {
    expect(fields('range=custom')).toEqual(['from', 'to']);
    expect(fields('range=custom&from=x&to=2026-01-01T00:00')).toEqual(['from']);
    expect(fields('range=custom&from=2026-01-02T00:00&to=2026-01-01T00:00')).toEqual(['from']);
    expect(fields('range=12h')).toEqual(['range']);
  });
});

describe('thresholdsOf', () => {
  it('draws above as a maximum, below as a minimum, outside as both, merging equal lines', () => {
    const lines = thresholdsOf(
      [
        { condition: { kind: 'outside', low: 2, high: 8 }, severity: 'warning' },
        { condition: { kind: 'above', threshold: 8 }, severity: 'critical' },
        { condition: { kind: 'below', threshold: 0 }, severity: 'info' },
        { condition: { kind: 'door_open' }, severity: 'critical' },
      ],
      (c) => (c * 9) / 5 + 32,
    );
    expect(lines).toEqual([
      { kind: 'max', value: 46.4, severity: 'critical' },
      { kind: 'min', value: 35.6, severity: 'warning' },
      { kind: 'min', value: 32, severity: 'info' },
    ]);
  });
});

describe('markExcursions', () => {
  const points = [0, 1, 2, 3, 4, 5].map((i) => ({ ts: i * MINUTE }));

  it('covers the points of the excursion and no more', () => {
    expect(markExcursions(points, [{ start: 2 * MINUTE, end: 4 * MINUTE }], MINUTE, 0)).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it('shows an excursion shorter than the spacing as the stretch around it', () => {
    const marked = markExcursions(points, [{ start: 90_000, end: 100_000 }], MINUTE, 0);
    expect(marked).toEqual([false, true, true, false, false, false]);
  });

  it('runs an ongoing excursion to the end of the range', () => {
    const marked = markExcursions(points, [{ start: 4 * MINUTE, end: null }], MINUTE, 6 * MINUTE);
    expect(marked).toEqual([false, false, false, false, true, true]);
  });
});

describe('buildChart', () => {
  const label = (ts: number) => String(ts / MINUTE);

  it('breaks the line where the device was silent, keeps the thresholds, bands the excursion', () => {
    const chart = buildChart({
      points: [0, 1, 2, 10, 11].map((m) => ({ ts: m * MINUTE, value: m === 10 ? 9 : 4 })),
      stepMs: MINUTE,
      to: 12 * MINUTE,
      seriesName: 'Temperature',
      thresholds: [{ kind: 'max', value: 8, severity: 'critical', name: 'Max 8.0 °C' }],
      excursions: [{ start: 10 * MINUTE, end: 11 * MINUTE }],
      label,
      fullLabel: label,
    });
    expect(chart.rows.map((r) => r.value)).toEqual([4, 4, 4, null, 9, 4]);
    expect(chart.rows.map((r) => r.excursion)).toEqual([false, false, false, false, true, true]);
    expect(chart.rows.every((r) => (r['Max 8.0 °C'] as number[])[0] === 8)).toBe(true);
    expect(chart.rows[4]!.Excursion).toEqual([chart.minValue, chart.maxValue]);
    expect(chart.rows[0]!.Excursion).toBeNull();
    expect(chart.categories).toEqual(['Excursion', 'Temperature', 'Max 8.0 °C']);
    expect(chart.colors).toEqual(['orange', 'blue', 'red']);
  });

  it('leaves the band out of the legend when nothing was shaded', () => {
    const chart = buildChart({
      points: [{ ts: 0, value: 4 }],
      stepMs: MINUTE,
      to: MINUTE,
      seriesName: 'Humidity',
      thresholds: [],
      excursions: [],
      label,
      fullLabel: label,
    });
    expect(chart.categories).toEqual(['Humidity']);
  });
});

describe('byImportance', () => {
  it('puts temperature first, the known metrics next, custom ones last by name', () => {
    const metrics = ['rssi', 'co2', 'battery', 'humidity', 'temperature', 'door', 'altitude'];
    expect(metrics.sort(byImportance)).toEqual([
      'temperature',
      'humidity',
      'door',
      'battery',
      'rssi',
      'altitude',
      'co2',
    ]);
  });
});

describe('yDomain', () => {
  it('holds every value and threshold on round numbers, below zero too', () => {
    expect(yDomain([3.6, 11], [8])).toEqual({ minValue: 2.5, maxValue: 12.5 });
    const freezer = yDomain([-24.2, -18.5], [-15]);
    expect(freezer.minValue).toBeLessThanOrEqual(-24.2);
    expect(freezer.maxValue).toBeGreaterThanOrEqual(-15);
    expect(yDomain([], [])).toEqual({ minValue: 0, maxValue: 1 });
  });
});
