import { z } from 'zod';
import { isId } from '../ids/ids.js';
import { RoleSchema } from '../tenancy/roles.js';
import type { Severity } from './rule.js';

export const CHANNELS = ['email', 'sms', 'webhook', 'in_app'] as const;
export const ChannelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof ChannelSchema>;

const unique = <T>(items: readonly T[]) => new Set(items).size === items.length;
const idOf = (kind: 'user' | 'webhookEndpoint', label: string) =>
  z.string().refine((id) => isId(kind, id), `must be a ${label} id`);

export const EscalationTierSchema = z.object({
  afterMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
  recipients: z.object({
    roles: z.array(RoleSchema).refine(unique, 'roles must not repeat').optional(),
    userIds: z.array(idOf('user', 'user (usr_…)')).refine(unique, 'must not repeat').optional(),
    webhookEndpointIds: z
      .array(idOf('webhookEndpoint', 'webhook endpoint (whk_…)'))
      .refine(unique, 'must not repeat')
      .optional(),
  }),
  channels: z.array(ChannelSchema).min(1).refine(unique, 'channels must not repeat'),
});
export type EscalationTier = z.infer<typeof EscalationTierSchema>;

/**
 * Tiers notified at raisedAt + afterMinutes until someone acknowledges. Repeats follow
 * PagerDuty's "repeat this policy" model: repeatEveryMinutes after the last tier the whole
 * sequence starts again from tier 1, at most maxRepeats more times.
 */
export const NotificationPolicySchema = z
  .object({
    tiers: z.array(EscalationTierSchema).min(1).max(5),
    repeatEveryMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .nullable(),
    maxRepeats: z.number().int().min(0).max(20),
  })
  .superRefine((policy, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    policy.tiers.forEach((tier, i) => {
      if (i === 0 && tier.afterMinutes !== 0) {
        issue(['tiers', 0, 'afterMinutes'], 'tier 1 notifies immediately: must be 0');
      }
      const previous = policy.tiers[i - 1];
      if (previous && tier.afterMinutes <= previous.afterMinutes) {
        issue(['tiers', i, 'afterMinutes'], 'must be later than the previous tier');
      }
      const { roles = [], userIds = [], webhookEndpointIds = [] } = tier.recipients;
      const people = roles.length + userIds.length > 0;
      const hooks = webhookEndpointIds.length > 0;
      if (!people && !hooks) issue(['tiers', i, 'recipients'], 'name at least one recipient');
      if (tier.channels.includes('webhook') !== hooks) {
        issue(
          ['tiers', i, 'channels'],
          'the webhook channel and webhookEndpointIds go together: give both or neither',
        );
      }
      if (people && !tier.channels.some((c) => c !== 'webhook')) {
        issue(['tiers', i, 'channels'], 'roles and users need email, sms or in_app');
      }
    });
    if (policy.repeatEveryMinutes === null && policy.maxRepeats > 0) {
      issue(['maxRepeats'], 'repeats need repeatEveryMinutes');
    }
  });
export type NotificationPolicy = z.infer<typeof NotificationPolicySchema>;

export type EscalationAlert = {
  id: string;
  severity: Severity;
  raisedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
};

/** 1-based tier, 0-based repeat (0 = the first pass through the tiers). */
export type EscalationKey = { tier: number; repeat: number };

export type EscalationStep = EscalationKey & {
  dueAt: number;
  recipients: EscalationTier['recipients'];
  channels: Channel[];
  /** Deterministic, e.g. `alr_x:tier2:repeat0`: use as the QStash deduplication id. */
  dedupKey: string;
};

export type EscalationPlan = { due: EscalationStep[]; nextCheckAt: number | null };

/** The deduplication id of one tier/repeat of an alert's notifications. */
export function escalationKey(alertId: string, key: EscalationKey): string {
  return `${alertId}:tier${key.tier}:repeat${key.repeat}`;
}

/**
 * The notifications due at `nowMs` that `sent` does not hold yet, and when to run again
 * (null once acknowledged, resolved or past the cap). `info` alerts notify tier 1 once: an
 * informational alert never pages managers or on-call. If a run was missed, each tier catches
 * up with only its newest due repeat: three stale reminders at once help nobody.
 */
export function planEscalation(
  policy: NotificationPolicy,
  alert: EscalationAlert,
  nowMs: number,
  sent: readonly EscalationKey[] = [],
): EscalationPlan {
  if (alert.acknowledgedAt !== null || alert.resolvedAt !== null) {
    return { due: [], nextCheckAt: null };
  }
  const info = alert.severity === 'info';
  const tiers = info ? policy.tiers.slice(0, 1) : policy.tiers;
  const repeats = info || policy.repeatEveryMinutes === null ? 0 : policy.maxRepeats;
  const lastAfter = policy.tiers[policy.tiers.length - 1]!.afterMinutes;
  const cycleMinutes = lastAfter + (policy.repeatEveryMinutes ?? 0);
  const dueAt = (tierIndex: number, repeat: number) =>
    alert.raisedAt + (repeat * cycleMinutes + tiers[tierIndex]!.afterMinutes) * 60_000;

  const due: EscalationStep[] = [];
  let nextCheckAt: number | null = null;
  tiers.forEach((tier, i) => {
    let newest = -1;
    for (let r = 0; r <= repeats; r++) {
      const at = dueAt(i, r);
      if (at <= nowMs) newest = r;
      else {
        nextCheckAt = nextCheckAt === null ? at : Math.min(nextCheckAt, at);
        break;
      }
    }
    if (newest < 0) return;
    const covered = sent.some((s) => s.tier === i + 1 && s.repeat >= newest);
    if (covered) return;
    const key = { tier: i + 1, repeat: newest };
    due.push({
      ...key,
      dueAt: dueAt(i, newest),
      recipients: tier.recipients,
      channels: tier.channels,
      dedupKey: escalationKey(alert.id, key),
    });
  });
  return { due, nextCheckAt };
}
