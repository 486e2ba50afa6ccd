/**
 * Canonical metrics and their units. Devices speak many dialects (`temperature`, `temp_f`,
 * `door_status: "open"`); everything is stored in one unit per metric so rules, charts and
 * MKT never convert.
 */
export const CANONICAL_METRICS = {
  // Above absolute zero (MKT divides by the Kelvin temperature).
  temperature: { unit: '°C', min: -273, max: 1_000 },
  humidity: { unit: '%RH', min: 0, max: 100 },
  door: { unit: 'open', min: 0, max: 1 },
  power: { unit: 'W', min: 0, max: 10_000_000 },
  battery: { unit: '%', min: 0, max: 100 },
  rssi: { unit: 'dBm', min: -200, max: 50 },
} as const;
export type CanonicalMetric = keyof typeof CANONICAL_METRICS;

/** Custom numeric metrics: lower snake case, so they are safe as keys everywhere. */
export const CUSTOM_METRIC = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The canonical metric's spec, or undefined. An own-property check: a user-given name such as
 * `constructor` or `toString` must never find something inherited from Object.prototype.
 */
export function canonicalMetric(
  name: string,
): (typeof CANONICAL_METRICS)[CanonicalMetric] | undefined {
  return Object.hasOwn(CANONICAL_METRICS, name)
    ? CANONICAL_METRICS[name as CanonicalMetric]
    : undefined;
}

/** The stored unit of a canonical metric; null for custom (or unknown) ones. */
export function unitOfMetric(name: string): string | null {
  return canonicalMetric(name)?.unit ?? null;
}

/**
 * Names every JavaScript object answers to. `constructor` passes the custom-metric pattern but
 * would meet plain-object tables all the way to the browser, so it is refused as a metric name
 * (`__proto__` already fails the pattern).
 */
const RESERVED_METRIC_NAMES: ReadonlySet<string> = new Set([
  'constructor',
  '__proto__',
  'prototype',
]);

type Converter = { metric: CanonicalMetric; convert: (v: number) => number };
const same = (metric: CanonicalMetric): Converter => ({ metric, convert: (v) => v });

/**
 * Incoming names (lower-cased) and how they map onto canonical metrics. A Map, not an object
 * literal: the names come from devices, and `constructor` must not find Object's.
 */
const ALIASES: ReadonlyMap<string, Converter> = new Map(
  Object.entries({
    temperature: same('temperature'),
    temp: same('temperature'),
    temperature_c: same('temperature'),
    temp_c: same('temperature'),
    temperature_f: { metric: 'temperature', convert: (f) => ((f - 32) * 5) / 9 },
    temp_f: { metric: 'temperature', convert: (f) => ((f - 32) * 5) / 9 },
    humidity: same('humidity'),
    rh: same('humidity'),
    relative_humidity: same('humidity'),
    door: same('door'),
    door_status: same('door'),
    door_open: same('door'),
    power: same('power'),
    power_w: same('power'),
    power_consumption: same('power'),
    power_kw: { metric: 'power', convert: (kw) => kw * 1_000 },
    battery: same('battery'),
    battery_pct: same('battery'),
    rssi: same('rssi'),
    rssi_dbm: same('rssi'),
  } satisfies Record<string, Converter>),
);

const DOOR_WORDS: ReadonlyMap<string, number> = new Map([
  ['open', 1],
  ['opened', 1],
  ['closed', 0],
  ['close', 0],
  ['shut', 0],
]);

export type MetricValue = { metric: string; value: number };
export type MetricProblem = {
  code: 'invalid_value' | 'out_of_range' | 'invalid_metric';
  detail: string;
};

/**
 * Maps one incoming (name, value) to its canonical metric and unit, or says what is wrong.
 * Non-finite numbers (JSON's 1e999 parses to Infinity) are refused, never stored.
 */
export function normaliseMetric(name: string, raw: unknown): MetricValue | MetricProblem {
  const key = name.toLowerCase();
  const alias = ALIASES.get(key);
  if (alias?.metric === 'door') {
    const value =
      typeof raw === 'string'
        ? DOOR_WORDS.get(raw.toLowerCase())
        : typeof raw === 'boolean'
          ? Number(raw)
          : raw;
    if (value !== 0 && value !== 1) {
      return {
        code: 'invalid_value',
        detail: `${name} must be "open"/"closed", true/false or 1/0`,
      };
    }
    return { metric: 'door', value };
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    return { code: 'invalid_value', detail: `${name} must be a finite number` };
  }
  if (!alias) {
    if (!CUSTOM_METRIC.test(key) || RESERVED_METRIC_NAMES.has(key)) {
      return {
        code: 'invalid_metric',
        detail: RESERVED_METRIC_NAMES.has(key)
          ? `metric name "${name}" is reserved`
          : `metric name "${name}" must match ${CUSTOM_METRIC}`,
      };
    }
    return { metric: key, value: raw };
  }
  const value = alias.convert(raw);
  const { min, max, unit } = CANONICAL_METRICS[alias.metric];
  if (value < min || value > max) {
    return { code: 'out_of_range', detail: `${name} ${raw} is outside ${min}…${max} ${unit}` };
  }
  return { metric: alias.metric, value };
}
