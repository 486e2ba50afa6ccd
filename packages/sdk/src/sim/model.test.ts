import { describe, expect, it } from 'vitest';
import {
  createDeviceModel,
  DEVICE_KINDS,
  type DeviceKind,
  KIND_PROFILES,
  type SimReading,
} from './model.js';
import { excursionRampMs, type Scenario } from './scenario.js';

const START = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;

function run(
  kind: DeviceKind,
  hours: number,
  extra: { seed?: number; scenario?: Scenario; deviceId?: string } = {},
) {
  const model = createDeviceModel({
    deviceId: extra.deviceId ?? 'dev_model',
    kind,
    seed: extra.seed ?? 7,
    start: START,
    intervalMs: MIN,
    ...(extra.scenario ? { scenario: extra.scenario } : {}),
  });
  return Array.from({ length: (hours * HOUR) / MIN }, () => model.next());
}

const temps = (rs: SimReading[]) => rs.map((r) => r.metrics.temperature);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('device model', () => {
  it('is deterministic: the same seed gives the same readings, another seed others', () => {
    expect(run('fridge', 6)).toEqual(run('fridge', 6));
    expect(temps(run('fridge', 6, { seed: 8 }))).not.toEqual(temps(run('fridge', 6)));
    // The device id is part of the seed, so two devices of one run do not move in lockstep.
    expect(temps(run('fridge', 6, { deviceId: 'dev_other' }))).not.toEqual(temps(run('fridge', 6)));
  });

  it('numbers readings on the interval grid with contiguous sequence numbers', () => {
    const rs = run('freezer', 2);
    expect(rs.map((r) => r.ts)).toEqual(rs.map((_, i) => START + i * MIN));
    expect(rs.map((r) => r.seq)).toEqual(rs.map((_, i) => i));
  });

  it.each(DEVICE_KINDS)('keeps a %s inside its band for two days without excursions', (kind) => {
    const [low, high] = KIND_PROFILES[kind].band;
    for (let seed = 0; seed < 20; seed++) {
      const t = temps(run(kind, 48, { seed }));
      expect(Math.min(...t)).toBeGreaterThanOrEqual(low);
      expect(Math.max(...t)).toBeLessThanOrEqual(high);
    }
  });

  it('cycles the compressor: a sawtooth around the setpoint, power only while it runs', () => {
    const profile = KIND_PROFILES.fridge;
    const rs = run('fridge', 12);
    const t = temps(rs);
    // Both ends of the hysteresis are reached, over and over.
    const highs = t.filter((x) => x > profile.setpoint + 0.7 * profile.hysteresis).length;
    const lows = t.filter((x) => x < profile.setpoint - 0.7 * profile.hysteresis).length;
    expect(highs).toBeGreaterThan(20);
    expect(lows).toBeGreaterThan(20);
    const power = rs.map((r) => r.metrics.power);
    const running = power.filter((p) => p > 0.9 * profile.power.compressorW).length;
    const idle = power.filter((p) => p < 2 * profile.power.idleW).length;
    expect(running).toBeGreaterThan(rs.length / 5);
    expect(idle).toBeGreaterThan(rs.length / 5);
    // Cooling happens while the compressor runs: temperature falls over full-power intervals.
    const falls: number[] = [];
    for (let i = 1; i < rs.length; i++) {
      const r = rs[i]!;
      if (r.metrics.power > 0.9 * profile.power.compressorW && r.metrics.door === 0) {
        falls.push(r.metrics.temperature - rs[i - 1]!.metrics.temperature);
      }
    }
    expect(mean(falls)).toBeLessThan(-0.1);
  });

  it('defrosts a freezer periodically: heater power and a temporary rise', () => {
    const { defrost } = KIND_PROFILES.freezer;
    const rs = run('freezer', 24);
    const defrosting = rs.filter((r) => r.metrics.power >= defrost!.watts);
    // Every 6 h for 15 min: three or four defrosts in a day.
    expect(defrosting.length).toBeGreaterThanOrEqual(3 * 14);
    expect(defrosting.length).toBeLessThanOrEqual(4 * 16);
    const first = rs.indexOf(defrosting[0]!);
    const before = rs[first - 1]!.metrics.temperature;
    const peak = Math.max(...temps(rs.slice(first, first + 15)));
    expect(peak - before).toBeGreaterThan(1.5);
  });

  it('an excursion leaves the band for its scripted duration, and only around it', () => {
    const at = 2 * HOUR;
    const duration = 30 * MIN;
    const ramp = excursionRampMs(duration);
    const scenario: Scenario = {
      excursions: [{ device: 'dev_model', atMs: at, durationMs: duration, delta: 6 }],
      dropouts: [],
    };
    const [low, high] = KIND_PROFILES.fridge.band;
    for (let seed = 0; seed < 10; seed++) {
      const rs = run('fridge', 6, { seed, scenario });
      const out = rs.filter((r) => r.metrics.temperature > high || r.metrics.temperature < low);
      for (const r of rs) {
        const offset = r.ts - START;
        if (offset >= at + ramp && offset < at + duration)
          expect(r.metrics.temperature).toBeGreaterThan(high);
        if (offset < at || offset >= at + duration + ramp) expect(out).not.toContain(r);
      }
      expect(out.length).toBeGreaterThanOrEqual((duration - ramp) / MIN);
    }
  });

  it('an excursion for another device or with a negative delta behaves accordingly', () => {
    const at = HOUR;
    const other: Scenario = {
      excursions: [{ device: 'dev_elsewhere', atMs: at, durationMs: HOUR, delta: 10 }],
      dropouts: [],
    };
    expect(run('room', 3, { scenario: other })).toEqual(run('room', 3));
    const cold: Scenario = {
      excursions: [{ device: '*', atMs: at, durationMs: HOUR, delta: -8 }],
      dropouts: [],
    };
    const rs = run('room', 3, { scenario: cold });
    const during = rs.filter((r) => r.ts - START >= at + 2 * MIN && r.ts - START < at + HOUR);
    expect(Math.max(...temps(during))).toBeLessThan(KIND_PROFILES.room.band[0]);
  });

  it('door openings raise temperature and humidity', () => {
    const rise = { door: [] as number[], closed: [] as number[] };
    const humid = { door: [] as number[], closed: [] as number[] };
    for (let seed = 0; seed < 5; seed++) {
      const rs = run('fridge', 24, { seed });
      for (let i = 1; i < rs.length; i++) {
        const [prev, cur] = [rs[i - 1]!, rs[i]!];
        const key =
          cur.metrics.door === 1 && prev.metrics.door === 0
            ? 'door'
            : cur.metrics.door === 0
              ? 'closed'
              : undefined;
        if (!key) continue;
        rise[key].push(cur.metrics.temperature - prev.metrics.temperature);
        humid[key].push(cur.metrics.humidity - prev.metrics.humidity);
      }
    }
    expect(rise.door.length).toBeGreaterThan(50);
    expect(mean(rise.door)).toBeGreaterThan(mean(rise.closed) + 0.2);
    expect(mean(humid.door)).toBeGreaterThan(mean(humid.closed) + 1);
  });

  it('drains the battery slowly and keeps the radio plausible', () => {
    const rs = run('room', 24);
    const battery = rs.map((r) => r.metrics.battery);
    for (let i = 1; i < battery.length; i++)
      expect(battery[i]).toBeLessThanOrEqual(battery[i - 1]!);
    expect(battery[0]! - battery.at(-1)!).toBeGreaterThan(0.3);
    expect(battery[0]! - battery.at(-1)!).toBeLessThan(1);
    const rssi = rs.map((r) => r.metrics.rssi);
    expect(new Set(rssi).size).toBeGreaterThan(5);
    for (const v of rssi) expect(v).toBeGreaterThanOrEqual(-120);
    for (const v of rssi) expect(v).toBeLessThanOrEqual(-30);
  });
});
