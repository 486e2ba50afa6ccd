/**
 * Scripted events of a simulation run. Times are offsets from the start of simulated time, so
 * a scenario replays identically whatever the wall-clock date.
 */
export type Excursion = {
  /** A device id, or `*` for every device. */
  device: string;
  /** Offset from the simulation start. */
  atMs: number;
  durationMs: number;
  /** °C added to the cabinet temperature while the excursion holds (negative: too cold). */
  delta: number;
};

/** A period in which the device has no network: it keeps measuring and buffering. */
export type Dropout = { device: string; atMs: number; durationMs: number };

export type Scenario = { excursions: Excursion[]; dropouts: Dropout[] };

export const EMPTY_SCENARIO: Scenario = { excursions: [], dropouts: [] };

/** How long an excursion takes to reach its full delta, and to recover after it ends. */
export function excursionRampMs(durationMs: number): number {
  return Math.min(120_000, durationMs / 4);
}

const matches = (selector: string, deviceId: string) => selector === '*' || selector === deviceId;

/**
 * The temperature offset at `offsetMs` into the run. A real cabinet warms over a minute or two
 * rather than jumping, so the delta ramps in over the first `excursionRampMs` of the window and
 * out over the same time after it; between the ramps it holds at the full delta.
 */
export function excursionOffset(scenario: Scenario, deviceId: string, offsetMs: number): number {
  let total = 0;
  for (const e of scenario.excursions) {
    if (!matches(e.device, deviceId)) continue;
    const ramp = excursionRampMs(e.durationMs);
    const into = offsetMs - e.atMs;
    const end = e.durationMs;
    if (into < 0 || into >= end + ramp) continue;
    if (ramp > 0 && into < ramp) total += (e.delta * into) / ramp;
    else if (into < end) total += e.delta;
    else total += e.delta * (1 - (into - end) / ramp);
  }
  return total;
}

/** Whether the device has no network at `offsetMs` into the run. */
export function isOffline(scenario: Scenario, deviceId: string, offsetMs: number): boolean {
  return scenario.dropouts.some(
    (d) => matches(d.device, deviceId) && offsetMs >= d.atMs && offsetMs < d.atMs + d.durationMs,
  );
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `2m`, `1h30m`, `1.5h`, `250ms`; a bare number is seconds. Throws on anything else. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new SyntaxError(`"${text}" is not a duration (e.g. 30s, 2m, 1h30m)`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** An offset from the start: `+2m` or `2m`. */
function parseOffset(text: string): number {
  return parseDuration(text.startsWith('+') ? text.slice(1) : text);
}

function splitSpec(spec: string, what: string, fields: number): [string, string[]] {
  const at = spec.lastIndexOf('@');
  const parts = at < 0 ? [] : spec.slice(at + 1).split(':');
  if (at <= 0 || parts.length !== fields) {
    const shape =
      what === 'excursion' ? '<device|*>@+<at>:<duration>:<±°C>' : '<device|*>@+<at>:<duration>';
    throw new SyntaxError(`--${what} ${spec}: expected ${shape}`);
  }
  return [spec.slice(0, at), parts];
}

/** `dev_x@+2m:30m:+6`: device dev_x, from 2 min after the start, for 30 min, 6 °C warmer. */
export function parseExcursionSpec(spec: string): Excursion {
  const [device, [at, duration, delta]] = splitSpec(spec, 'excursion', 3);
  const value = Number(delta);
  if (!/^[+-]?\d+(\.\d+)?$/.test(delta!) || !Number.isFinite(value)) {
    throw new SyntaxError(`--excursion ${spec}: the delta must be a number of °C, e.g. +6`);
  }
  return checked({
    device,
    atMs: parseOffset(at!),
    durationMs: parseDuration(duration!),
    delta: value,
  });
}

/** `dev_x@+10m:5m`: device dev_x has no network from 10 min after the start, for 5 min. */
export function parseDropoutSpec(spec: string): Dropout {
  const [device, [at, duration]] = splitSpec(spec, 'dropout', 2);
  return checked({ device, atMs: parseOffset(at!), durationMs: parseDuration(duration!) });
}

function checked<T extends { durationMs: number }>(event: T): T {
  if (event.durationMs <= 0) throw new RangeError('a scripted event needs a positive duration');
  return event;
}

/**
 * A scenario file:
 * `{"excursions":[{"device":"dev_x","at":"+2m","duration":"30m","delta":6}],
 *   "dropouts":[{"device":"*","at":"+10m","duration":"5m"}]}`.
 */
export function parseScenario(json: unknown): Scenario {
  const root = record(json, 'scenario');
  const list = (key: string) => {
    const value = root[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new TypeError(`scenario.${key} must be an array`);
    return value.map((item, i) => record(item, `scenario.${key}[${i}]`));
  };
  const text = (r: Record<string, unknown>, key: string, where: string) => {
    const value = r[key];
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`${where}.${key} must be a non-empty string`);
    }
    return value;
  };
  return {
    excursions: list('excursions').map((r, i) => {
      const where = `scenario.excursions[${i}]`;
      if (typeof r.delta !== 'number' || !Number.isFinite(r.delta)) {
        throw new TypeError(`${where}.delta must be a number of °C`);
      }
      return checked({
        device: text(r, 'device', where),
        atMs: parseOffset(text(r, 'at', where)),
        durationMs: parseDuration(text(r, 'duration', where)),
        delta: r.delta,
      });
    }),
    dropouts: list('dropouts').map((r, i) => {
      const where = `scenario.dropouts[${i}]`;
      return checked({
        device: text(r, 'device', where),
        atMs: parseOffset(text(r, 'at', where)),
        durationMs: parseDuration(text(r, 'duration', where)),
      });
    }),
  };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object`);
  }
  return value as Record<string, unknown>;
}
