import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors/domain-error.js';
import { newId } from '../ids/ids.js';
import { RULE_PRESETS } from './presets.js';
import { type AlertRuleInput, resolveRulesForDevice, validateAlertRule } from './rule.js';

const base: AlertRuleInput = {
  name: 'Vaccine fridge',
  scope: { kind: 'tenant' },
  metric: 'temperature',
  condition: { kind: 'outside', low: 2, high: 8 },
  durationSeconds: 900,
  deadband: 0.5,
  severity: 'critical',
  schedule: null,
  enabled: true,
};

/** The field errors validateAlertRule throws for `input`, or [] if it passes. */
function errorsOf(input: unknown): { path: string; message: string }[] {
  try {
    validateAlertRule(input);
    return [];
  } catch (err) {
    if (!isDomainError(err) || err.code !== 'VALIDATION') throw err;
    return err.details.errors ?? [];
  }
}
const paths = (input: unknown) => errorsOf(input).map((e) => e.path);

describe('validateAlertRule', () => {
  it('accepts a well-formed rule and returns it parsed', () => {
    expect(validateAlertRule({ ...base, name: '  Vaccine fridge ' })).toEqual(base);
  });

  it('names contradictory thresholds at condition.low', () => {
    expect(paths({ ...base, condition: { kind: 'outside', low: 8, high: 2 } })).toEqual([
      'condition.low',
    ]);
    expect(paths({ ...base, condition: { kind: 'outside', low: 5, high: 5 } })).toEqual([
      'condition.low',
    ]);
  });

  it('refuses a deadband that leaves no clearing value inside the band', () => {
    expect(paths({ ...base, deadband: 3 })).toEqual(['deadband']);
    expect(paths({ ...base, deadband: 2.9 })).toEqual([]);
    expect(paths({ ...base, deadband: -0.1 })).toEqual(['deadband']);
  });

  it('allows door_open only on the door metric, and without a deadband', () => {
    const door = { ...base, metric: 'door', condition: { kind: 'door_open' }, deadband: 0 };
    expect(paths(door)).toEqual([]);
    expect(paths({ ...door, metric: 'temperature' })).toEqual(['condition.kind']);
    expect(paths({ ...door, deadband: 1 })).toEqual(['deadband']);
  });

  it('refuses unknown metrics and aliases, accepts custom snake_case metrics', () => {
    expect(paths({ ...base, metric: 'Temperature!' })).toEqual(['metric']);
    expect(errorsOf({ ...base, metric: 'temp_f' })[0]?.message).toMatch(/"temperature"/);
    expect(
      paths({ ...base, metric: 'co2_ppm', condition: { kind: 'above', threshold: 5e4 } }),
    ).toEqual([]);
  });

  it('refuses thresholds outside the metric’s physical range', () => {
    expect(paths({ ...base, condition: { kind: 'below', threshold: -300 } })).toEqual([
      'condition.threshold',
    ]);
    expect(
      paths({ ...base, metric: 'humidity', condition: { kind: 'outside', low: 20, high: 120 } }),
    ).toEqual(['condition.high']);
    expect(paths({ ...base, condition: { kind: 'above', threshold: Number.NaN } })).toEqual([
      'condition.threshold',
    ]);
  });

  it('refuses negative, fractional and over-long durations', () => {
    expect(errorsOf({ ...base, durationSeconds: -1 })).toEqual([
      { path: 'durationSeconds', message: 'must not be negative' },
    ]);
    expect(paths({ ...base, durationSeconds: 1.5 })).toEqual(['durationSeconds']);
    expect(paths({ ...base, durationSeconds: 7 * 86_400 + 1 })).toEqual(['durationSeconds']);
    expect(paths({ ...base, durationSeconds: 0 })).toEqual([]);
  });

  it('checks scopes, schedules and reports every error at once', () => {
    expect(paths({ ...base, scope: { kind: 'device', deviceId: 'nope' } })).toEqual([
      'scope.deviceId',
    ]);
    expect(paths({ ...base, scope: { kind: 'facility', facilityId: newId('facility') } })).toEqual(
      [],
    );
    expect(paths({ ...base, schedule: { days: [1, 1], start: '08:00', end: '18:00' } })).toEqual([
      'schedule.days',
    ]);
    expect(paths({ ...base, schedule: { days: [], start: '24:00', end: '8:00' } }).sort()).toEqual([
      'schedule.days',
      'schedule.end',
      'schedule.start',
    ]);
    expect(
      paths({
        ...base,
        name: '',
        severity: 'fatal',
        condition: { kind: 'outside', low: 9, high: 1 },
      }),
    ).toEqual(expect.arrayContaining(['name', 'severity']));
  });
});

describe('RULE_PRESETS', () => {
  it('are valid rules once given a scope, with unique ids', () => {
    for (const preset of RULE_PRESETS) {
      expect(errorsOf({ ...preset.rule, scope: { kind: 'tenant' } })).toEqual([]);
    }
    expect(new Set(RULE_PRESETS.map((p) => p.id)).size).toBe(RULE_PRESETS.length);
  });

  it('cover the issue’s five presets', () => {
    const byId = Object.fromEntries(RULE_PRESETS.map((p) => [p.id, p.rule]));
    expect(byId.pharma_refrigerated?.condition).toEqual({ kind: 'outside', low: 2, high: 8 });
    expect(byId.frozen?.condition).toEqual({ kind: 'above', threshold: -15 });
    expect(byId.controlled_room_temperature?.condition).toEqual({
      kind: 'outside',
      low: 15,
      high: 25,
    });
    expect(byId.food_chilled?.condition).toEqual({ kind: 'above', threshold: 5 });
    expect(byId.door_open).toMatchObject({ metric: 'door', durationSeconds: 300 });
  });
});

describe('resolveRulesForDevice', () => {
  const fac = newId('facility');
  const dev = newId('device');
  const rule = (
    id: string,
    scope: AlertRuleInput['scope'],
    patch: Partial<AlertRuleInput> = {},
  ) => ({
    ...base,
    id,
    scope,
    ...patch,
  });
  const tenantTemp = rule('t-temp', { kind: 'tenant' });
  const tenantHum = rule('t-hum', { kind: 'tenant' }, { metric: 'humidity' });
  const facTempWarn = rule(
    'f-warn',
    { kind: 'facility', facilityId: fac },
    { severity: 'warning' },
  );
  const facTempCrit = rule('f-crit', { kind: 'facility', facilityId: fac });
  const devTemp = rule('d-temp', { kind: 'device', deviceId: dev });
  const otherFac = rule('other', { kind: 'facility', facilityId: newId('facility') });
  const all = [tenantTemp, tenantHum, facTempWarn, facTempCrit, devTemp, otherFac];
  const ids = (rules: { id: string }[]) => rules.map((r) => r.id);

  it('lets the most specific scope win per metric', () => {
    expect(ids(resolveRulesForDevice(all, { id: dev, facilityId: fac }))).toEqual([
      't-hum',
      'd-temp',
    ]);
  });

  it('applies every rule of the winning scope (warning and critical bands)', () => {
    expect(ids(resolveRulesForDevice(all, { id: newId('device'), facilityId: fac }))).toEqual([
      't-hum',
      'f-warn',
      'f-crit',
    ]);
  });

  it('falls back to tenant rules for a device without a facility', () => {
    expect(ids(resolveRulesForDevice(all, { id: newId('device'), facilityId: null }))).toEqual([
      't-temp',
      't-hum',
    ]);
  });

  it('ignores disabled rules: a disabled device rule does not hide the facility rules', () => {
    const disabled = { ...devTemp, enabled: false };
    expect(
      ids(resolveRulesForDevice([tenantTemp, facTempCrit, disabled], { id: dev, facilityId: fac })),
    ).toEqual(['f-crit']);
  });
});
