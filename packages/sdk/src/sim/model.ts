import { createRng, deviceSeed } from './rng.js';
import { EMPTY_SCENARIO, excursionOffset, type Scenario } from './scenario.js';

export const DEVICE_KINDS = ['fridge', 'freezer', 'room'] as const;
/** fridge: 2–8 °C vaccine/pharmacy fridge; freezer: ≈ −20 °C; room: 15–25 °C storage room. */
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * The physics of one kind of cold store. Rates are per minute. The cabinet warms towards the
 * ambient in proportion to the difference (Newton's law of cooling), the compressor removes
 * heat at a fixed rate while it runs, and a thermostat with hysteresis switches it — which
 * gives the sawtooth every real cold-room chart shows.
 */
export type KindProfile = {
  /** The acceptable range an alert rule would use; the model stays inside it unless scripted. */
  band: readonly [number, number];
  setpoint: number;
  /** The thermostat switches the compressor on at setpoint + h and off at setpoint − h. */
  hysteresis: number;
  ambient: number;
  /** Fraction of (ambient − T) gained per minute through the walls. */
  leakPerMin: number;
  /** Fraction of (ambient − T) gained per minute while the door is open, on top of the walls. */
  doorLeakPerMin: number;
  /** °C per minute the running compressor removes. */
  coolPerMin: number;
  doorsPerHour: number;
  doorSeconds: readonly [number, number];
  defrost?: { everyMs: number; durationMs: number; heatPerMin: number; watts: number };
  humidity: { base: number; compressor: number; door: number; defrost: number };
  power: { compressorW: number; idleW: number; doorW: number };
};

export const KIND_PROFILES: Record<DeviceKind, KindProfile> = {
  fridge: {
    band: [2, 8],
    setpoint: 5,
    hysteresis: 1,
    ambient: 22,
    leakPerMin: 0.009,
    doorLeakPerMin: 0.06,
    coolPerMin: 0.45,
    doorsPerHour: 4,
    doorSeconds: [15, 60],
    humidity: { base: 55, compressor: -8, door: 15, defrost: 0 },
    power: { compressorW: 150, idleW: 6, doorW: 5 },
  },
  freezer: {
    band: [-30, -15],
    setpoint: -22,
    hysteresis: 1.5,
    ambient: 22,
    leakPerMin: 0.003,
    doorLeakPerMin: 0.04,
    coolPerMin: 0.4,
    doorsPerHour: 1,
    doorSeconds: [10, 40],
    // Frost on the evaporator is melted off on a timer; the air warms a few degrees meanwhile.
    defrost: { everyMs: 6 * 3_600_000, durationMs: 15 * 60_000, heatPerMin: 0.05, watts: 450 },
    humidity: { base: 65, compressor: -5, door: 10, defrost: 15 },
    power: { compressorW: 300, idleW: 8, doorW: 0 },
  },
  room: {
    band: [15, 25],
    setpoint: 20,
    hysteresis: 1,
    ambient: 27,
    leakPerMin: 0.01,
    doorLeakPerMin: 0.03,
    coolPerMin: 0.2,
    doorsPerHour: 6,
    doorSeconds: [20, 120],
    humidity: { base: 45, compressor: -5, door: 5, defrost: 0 },
    power: { compressorW: 1_200, idleW: 15, doorW: 0 },
  },
};

/** One reading as the simulator sends it; metric names are the api's canonical ones. */
export type SimReading = {
  ts: number;
  seq: number;
  metrics: {
    temperature: number;
    humidity: number;
    /** 1 when the door was open at any moment of the interval ending at `ts`. */
    door: number;
    /** Mean draw over the interval, in W, so it is proportional to the compressor's duty. */
    power: number;
    battery: number;
    rssi: number;
  };
};

/** The model's hidden state, exposed for tests and for nothing else. */
export type ModelState = {
  t: number;
  temperature: number;
  humidity: number;
  compressorOn: boolean;
  doorOpenUntil: number;
  defrostUntil: number;
  nextDefrostAt: number;
  battery: number;
};

export type DeviceModelOptions = {
  deviceId: string;
  kind: DeviceKind;
  seed: number;
  /** Event time of the first reading (unix ms); reading k is at start + k·interval. */
  start: number;
  intervalMs: number;
  scenario?: Scenario;
  /** Sequence number of the first reading (a restarted device continues its count). */
  firstSeq?: number;
};

export type DeviceModel = {
  /**
   * The next reading; the first call returns the reading at `start`. `afterMs` is the time
   * since the previous one (default the interval): a device told to report less often.
   */
  next(afterMs?: number): SimReading;
  state(): Readonly<ModelState>;
  readonly profile: KindProfile;
};

/** Longest integration step: short enough that a 10 s door opening is resolved. */
const STEP_MS = 5_000;
/** After the door closes nobody opens it again for a while: people walk away first. */
const DOOR_QUIET_MS = 120_000;
const BATTERY_DRAIN_PER_HOUR = 0.02;
const HUMIDITY_TAU_MIN = 4;
const SENSOR_NOISE_C = 0.05;

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * A deterministic cold-store model: the same options always produce the same readings, so tests
 * assert on them and a demo replays the same story. Pure: no clock, no I/O.
 */
export function createDeviceModel(options: DeviceModelOptions): DeviceModel {
  const { deviceId, kind, start, intervalMs } = options;
  const profile = KIND_PROFILES[kind];
  if (!profile) throw new RangeError(`unknown device kind "${kind}"; kinds: ${DEVICE_KINDS}`);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError('intervalMs must be positive');
  }
  const scenario = options.scenario ?? EMPTY_SCENARIO;
  const rng = createRng(deviceSeed(options.seed, deviceId));
  const rssiBase = rng.uniform(-85, -55);
  const s: ModelState = {
    t: start,
    temperature: profile.setpoint + rng.uniform(-profile.hysteresis, profile.hysteresis),
    humidity: profile.humidity.base,
    compressorOn: rng.next() < 0.5,
    doorOpenUntil: Number.NEGATIVE_INFINITY,
    defrostUntil: Number.NEGATIVE_INFINITY,
    // Staggered so a room full of freezers does not defrost at once.
    nextDefrostAt: profile.defrost
      ? start + rng.uniform(0, profile.defrost.everyMs)
      : Number.POSITIVE_INFINITY,
    battery: rng.uniform(70, 100),
  };
  let seq = options.firstSeq ?? 0;
  let first = true;

  /** Advances the physics by `dt` ms; returns energy used (W·ms) and whether the door opened. */
  function step(dt: number): { energy: number; door: boolean } {
    const minutes = dt / 60_000;
    const t = s.t;
    if (profile.defrost && t >= s.nextDefrostAt) {
      s.defrostUntil = t + profile.defrost.durationMs;
      s.nextDefrostAt += profile.defrost.everyMs;
    }
    const defrosting = t < s.defrostUntil;
    if (
      t >= s.doorOpenUntil + DOOR_QUIET_MS &&
      rng.next() < (profile.doorsPerHour * dt) / 3_600_000
    ) {
      s.doorOpenUntil = t + rng.uniform(profile.doorSeconds[0], profile.doorSeconds[1]) * 1_000;
    }
    const doorOpen = t < s.doorOpenUntil;

    // The thermostat is off during defrost: the controller locks the compressor out.
    if (defrosting) s.compressorOn = false;
    else if (s.temperature >= profile.setpoint + profile.hysteresis) s.compressorOn = true;
    else if (s.temperature <= profile.setpoint - profile.hysteresis) s.compressorOn = false;

    const gap = profile.ambient - s.temperature;
    let dT = profile.leakPerMin * gap * minutes;
    if (doorOpen) dT += profile.doorLeakPerMin * gap * minutes;
    if (s.compressorOn) dT -= profile.coolPerMin * minutes;
    if (defrosting && profile.defrost) dT += profile.defrost.heatPerMin * minutes;
    s.temperature += dT;

    const h = profile.humidity;
    const target =
      h.base +
      (s.compressorOn ? h.compressor : 0) +
      (doorOpen ? h.door : 0) +
      (defrosting ? h.defrost : 0);
    s.humidity += (target - s.humidity) * (1 - Math.exp(-minutes / HUMIDITY_TAU_MIN));

    const p = profile.power;
    let watts = s.compressorOn ? p.compressorW * (1 + rng.gauss(0.02)) : p.idleW;
    if (defrosting && profile.defrost) watts += profile.defrost.watts;
    if (doorOpen) watts += p.doorW;

    s.battery = Math.max(0, s.battery - (BATTERY_DRAIN_PER_HOUR * dt) / 3_600_000);
    s.t = t + dt;
    return { energy: watts * dt, door: doorOpen };
  }

  function next(afterMs = intervalMs): SimReading {
    let energy = 0;
    let door = false;
    let elapsed = 0;
    if (first) {
      // The first reading has no interval behind it: report the instantaneous state.
      first = false;
      const probe = step(0);
      energy = probe.energy;
      door = probe.door;
      elapsed = 1;
    } else {
      const end = s.t + afterMs;
      while (s.t < end) {
        const dt = Math.min(STEP_MS, end - s.t);
        const r = step(dt);
        energy += r.energy;
        door ||= r.door;
        elapsed += dt;
      }
    }
    const offset = excursionOffset(scenario, deviceId, s.t - start);
    return {
      ts: s.t,
      seq: seq++,
      metrics: {
        temperature: round(s.temperature + offset + rng.gauss(SENSOR_NOISE_C), 2),
        humidity: round(clamp(s.humidity + rng.gauss(0.3), 0, 100), 1),
        door: door ? 1 : 0,
        power: round(energy / elapsed, 1),
        battery: round(s.battery, 1),
        rssi: Math.round(clamp(rssiBase + rng.gauss(3), -120, -30)),
      },
    };
  }

  return { next, state: () => ({ ...s }), profile };
}
