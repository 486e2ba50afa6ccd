import { z } from 'zod';
import type { FieldError } from '../errors/domain-error.js';
import { validateWith } from '../errors/validate-with.js';
import { isId } from '../ids/ids.js';
import { canonicalMetric, normaliseMetric } from '../readings/metrics.js';
import { scaled } from './compare.js';
import { RuleScheduleSchema } from './schedule.js';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** A week: longer alarm delays are a report, not an alert. */
export const MAX_DURATION_SECONDS = 7 * 24 * 3_600;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const RuleScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tenant') }),
  z.object({
    kind: z.literal('facility'),
    facilityId: z.string().refine((id) => isId('facility', id), 'must be a facility id (fac_…)'),
  }),
  z.object({
    kind: z.literal('device'),
    deviceId: z.string().refine((id) => isId('device', id), 'must be a device id (dev_…)'),
  }),
]);
export type RuleScope = z.infer<typeof RuleScopeSchema>;

export const RuleConditionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('above'), threshold: finite }),
  z.object({ kind: z.literal('below'), threshold: finite }),
  z.object({ kind: z.literal('outside'), low: finite, high: finite }),
  z.object({ kind: z.literal('door_open') }),
]);
export type RuleCondition = z.infer<typeof RuleConditionSchema>;

const BaseRuleSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  scope: RuleScopeSchema,
  metric: z.string().min(1).max(63),
  condition: RuleConditionSchema,
  durationSeconds: z
    .number()
    .int('must be whole seconds')
    .min(0, 'must not be negative')
    .max(MAX_DURATION_SECONDS, `must be at most ${MAX_DURATION_SECONDS} s (7 days)`),
  deadband: finite.pipe(z.number().min(0, 'must not be negative')),
  severity: SeveritySchema,
  schedule: RuleScheduleSchema.nullable(),
  enabled: z.boolean(),
});

/**
 * An alert rule as the API accepts it. Cross-field checks (contradictory thresholds, a deadband
 * wider than the band, door_open on a non-door metric, thresholds outside the metric's physical
 * range, names that are not canonical) run after the shape is valid, each with its field path.
 */
export const AlertRuleInputSchema = BaseRuleSchema.superRefine((rule, ctx) => {
  for (const error of crossFieldErrors(rule)) {
    ctx.addIssue({ code: 'custom', path: error.path.split('.'), message: error.message });
  }
});
export type AlertRuleInput = z.infer<typeof AlertRuleInputSchema>;
export type AlertRule = AlertRuleInput & { id: string };

function crossFieldErrors(rule: z.infer<typeof BaseRuleSchema>): FieldError[] {
  const errors: FieldError[] = [];
  const { metric, condition } = rule;
  const normalised = normaliseMetric(metric, 0);
  if (!('metric' in normalised)) {
    errors.push({ path: 'metric', message: `unknown metric: ${normalised.detail}` });
  } else if (normalised.metric !== metric) {
    // Ingest stores `temp_f` as `temperature` in °C; a rule on the alias would never match.
    errors.push({ path: 'metric', message: `use the canonical name "${normalised.metric}"` });
  }
  const range = canonicalMetric(metric);
  const inRange = (path: string, value: number) => {
    if (range && (value < range.min || value > range.max)) {
      errors.push({
        path,
        message: `must be within ${range.min}…${range.max} ${range.unit} for ${metric}`,
      });
    }
  };
  switch (condition.kind) {
    case 'above':
    case 'below':
      inRange('condition.threshold', condition.threshold);
      break;
    case 'outside':
      inRange('condition.low', condition.low);
      inRange('condition.high', condition.high);
      if (condition.low >= condition.high) {
        errors.push({ path: 'condition.low', message: 'must be below condition.high' });
      } else if (2 * scaled(rule.deadband) >= scaled(condition.high) - scaled(condition.low)) {
        // Clearing needs low + deadband ≤ v ≤ high − deadband; with no such v it never closes.
        errors.push({
          path: 'deadband',
          message: `must be less than half the band (${(condition.high - condition.low) / 2})`,
        });
      }
      break;
    case 'door_open':
      if (metric !== 'door') {
        errors.push({ path: 'condition.kind', message: 'door_open applies only to metric "door"' });
      }
      if (rule.deadband !== 0) {
        errors.push({ path: 'deadband', message: 'must be 0 for door_open (a door is 0 or 1)' });
      }
      break;
  }
  if (range && rule.deadband > range.max - range.min) {
    errors.push({ path: 'deadband', message: `must be at most ${range.max - range.min}` });
  }
  return errors;
}

/** Parses an alert rule or throws DomainError('VALIDATION') with every field error (→ 422). */
export function validateAlertRule(input: unknown): AlertRuleInput {
  return validateWith(AlertRuleInputSchema, input, 'alert rule');
}

export type RuleTarget = { id: string; facilityId: string | null };
type Resolvable = Pick<AlertRuleInput, 'scope' | 'metric' | 'enabled'>;

const SPECIFICITY = { tenant: 0, facility: 1, device: 2 } as const;

function appliesTo(scope: RuleScope, device: RuleTarget): boolean {
  if (scope.kind === 'tenant') return true;
  if (scope.kind === 'facility') return scope.facilityId === device.facilityId;
  return scope.deviceId === device.id;
}

/**
 * The enabled rules that apply to a device: per metric only the most specific scope present
 * (device > facility > tenant) counts, and every rule at that scope applies (warning + critical).
 */
export function resolveRulesForDevice<R extends Resolvable>(
  rules: readonly R[],
  device: RuleTarget,
): R[] {
  const applicable = rules.filter((r) => r.enabled && appliesTo(r.scope, device));
  const best = new Map<string, number>();
  for (const r of applicable) {
    best.set(r.metric, Math.max(best.get(r.metric) ?? -1, SPECIFICITY[r.scope.kind]));
  }
  return applicable.filter((r) => SPECIFICITY[r.scope.kind] === best.get(r.metric));
}
