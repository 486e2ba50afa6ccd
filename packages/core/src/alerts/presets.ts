import type { Industry } from '../tenancy/roles.js';
import type { AlertRuleInput } from './rule.js';

export type RulePreset = {
  id: string;
  label: string;
  industries: readonly Industry[];
  /** Everything but the scope, which the user picks when applying the preset. */
  rule: Omit<AlertRuleInput, 'scope'>;
};

/**
 * Starting points per industry. The alarm delays are judgement calls, explained per preset; a
 * customer's SOP always wins, so each is an ordinary editable rule once applied.
 */
export const RULE_PRESETS = [
  {
    id: 'pharma_refrigerated',
    label: 'Pharma refrigerated 2–8 °C',
    industries: ['pharma'],
    rule: {
      name: 'Refrigerated 2–8 °C',
      metric: 'temperature',
      condition: { kind: 'outside', low: 2, high: 8 },
      // 15 min: a door opening pushes the air probe of a pharmacy fridge past 8 °C for a few
      // minutes while the product core stays in range; 15 min rides that out yet is far inside
      // the stability budget of 2–8 °C products. It is also the delay of issue 4's scenario.
      durationSeconds: 15 * 60,
      // 0.5 °C: more than typical probe noise (±0.1–0.3 °C), so one reading at 7.9 °C does not
      // close and reopen the excursion (and the alert record) on every wobble.
      deadband: 0.5,
      severity: 'critical',
      schedule: null,
      enabled: true,
    },
  },
  {
    id: 'frozen',
    label: 'Frozen ≤ −15 °C',
    industries: ['pharma', 'food'],
    rule: {
      name: 'Frozen ≤ −15 °C',
      metric: 'temperature',
      condition: { kind: 'above', threshold: -15 },
      // 30 min: automatic defrost cycles warm a freezer's air for 15–30 min; alarming on each
      // would train staff to ignore the alarm.
      durationSeconds: 30 * 60,
      deadband: 1,
      severity: 'critical',
      schedule: null,
      enabled: true,
    },
  },
  {
    id: 'controlled_room_temperature',
    label: 'Controlled room temperature 15–25 °C',
    industries: ['pharma', 'chemical'],
    rule: {
      name: 'Controlled room temperature 15–25 °C',
      metric: 'temperature',
      condition: { kind: 'outside', low: 15, high: 25 },
      // 60 min: controlled room temperature tolerates brief excursions (USP allows 15–30 °C
      // transiently as long as the mean kinetic temperature stays ≤ 25 °C), so a warning after
      // an hour is enough; MKT in the reports covers the cumulative side.
      durationSeconds: 60 * 60,
      deadband: 0.5,
      severity: 'warning',
      schedule: null,
      enabled: true,
    },
  },
  {
    id: 'food_chilled',
    label: 'Food chilled ≤ 5 °C (HACCP)',
    industries: ['food'],
    rule: {
      name: 'Chilled ≤ 5 °C',
      metric: 'temperature',
      condition: { kind: 'above', threshold: 5 },
      // 30 min: deliveries and service open walk-in chillers repeatedly; a HACCP corrective
      // action is needed when the unit cannot recover, which half an hour distinguishes.
      durationSeconds: 30 * 60,
      deadband: 0.5,
      severity: 'critical',
      schedule: null,
      enabled: true,
    },
  },
  {
    id: 'door_open',
    label: 'Door open longer than 5 min',
    industries: ['pharma', 'food', 'chemical', 'other'],
    rule: {
      name: 'Door open > 5 min',
      metric: 'door',
      condition: { kind: 'door_open' },
      durationSeconds: 5 * 60,
      deadband: 0,
      severity: 'warning',
      schedule: null,
      enabled: true,
    },
  },
] as const satisfies readonly RulePreset[];

export type RulePresetId = (typeof RULE_PRESETS)[number]['id'];
