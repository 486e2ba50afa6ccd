import { describe, expect, it } from 'vitest';
import {
  excursionOffset,
  isOffline,
  parseDropoutSpec,
  parseDuration,
  parseExcursionSpec,
  parseScenario,
} from './scenario.js';

describe('scenario parsing', () => {
  it('reads durations people write', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('45')).toBe(45_000);
    for (const bad of ['', 'm', '2x', '1h 30m', '-2m', '2m3']) {
      expect(() => parseDuration(bad), bad).toThrow(SyntaxError);
    }
  });

  it('reads excursion and dropout specs', () => {
    expect(parseExcursionSpec('dev_x@+2m:30m:+6')).toEqual({
      device: 'dev_x',
      atMs: 120_000,
      durationMs: 1_800_000,
      delta: 6,
    });
    expect(parseExcursionSpec('*@1h:10m:-3.5')).toMatchObject({ device: '*', delta: -3.5 });
    expect(parseDropoutSpec('dev_y@+10m:5m')).toEqual({
      device: 'dev_y',
      atMs: 600_000,
      durationMs: 300_000,
    });
    expect(() => parseExcursionSpec('dev_x@+2m:30m')).toThrow(/<device\|\*>@\+<at>/);
    expect(() => parseExcursionSpec('dev_x@+2m:30m:hot')).toThrow(/delta/);
    expect(() => parseExcursionSpec('@+2m:30m:+6')).toThrow();
    expect(() => parseDropoutSpec('dev_y+10m:5m')).toThrow();
    expect(() => parseDropoutSpec('dev_y@+10m:0s')).toThrow(RangeError);
  });

  it('reads a scenario file and says which field is wrong', () => {
    expect(
      parseScenario({
        excursions: [{ device: 'dev_x', at: '+2m', duration: '30m', delta: 6 }],
        dropouts: [{ device: '*', at: '10m', duration: '5m' }],
      }),
    ).toEqual({
      excursions: [{ device: 'dev_x', atMs: 120_000, durationMs: 1_800_000, delta: 6 }],
      dropouts: [{ device: '*', atMs: 600_000, durationMs: 300_000 }],
    });
    expect(parseScenario({})).toEqual({ excursions: [], dropouts: [] });
    expect(() =>
      parseScenario({ excursions: [{ device: 'd', at: '+1m', duration: '1m', delta: '6' }] }),
    ).toThrow('scenario.excursions[0].delta');
    expect(() => parseScenario({ dropouts: [{ at: '+1m', duration: '1m' }] })).toThrow(
      'scenario.dropouts[0].device',
    );
    expect(() => parseScenario([])).toThrow('scenario must be an object');
  });
});

describe('scenario timing', () => {
  const scenario = {
    excursions: [{ device: 'dev_x', atMs: 600_000, durationMs: 1_800_000, delta: 6 }],
    dropouts: [{ device: '*', atMs: 60_000, durationMs: 60_000 }],
  };

  it('ramps an excursion in, holds it for its duration, ramps it out', () => {
    expect(excursionOffset(scenario, 'dev_x', 599_999)).toBe(0);
    expect(excursionOffset(scenario, 'dev_x', 600_000)).toBe(0);
    expect(excursionOffset(scenario, 'dev_x', 660_000)).toBeCloseTo(3);
    expect(excursionOffset(scenario, 'dev_x', 720_000)).toBe(6);
    expect(excursionOffset(scenario, 'dev_x', 2_399_999)).toBe(6);
    expect(excursionOffset(scenario, 'dev_x', 2_460_000)).toBeCloseTo(3);
    expect(excursionOffset(scenario, 'dev_x', 2_520_000)).toBe(0);
    expect(excursionOffset(scenario, 'dev_other', 1_000_000)).toBe(0);
  });

  it('a dropout covers [at, at + duration) of every device it selects', () => {
    expect(isOffline(scenario, 'dev_any', 59_999)).toBe(false);
    expect(isOffline(scenario, 'dev_any', 60_000)).toBe(true);
    expect(isOffline(scenario, 'dev_any', 119_999)).toBe(true);
    expect(isOffline(scenario, 'dev_any', 120_000)).toBe(false);
  });
});
