import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../ids/ids.js';
import {
  type EscalationKey,
  escalationKey,
  type NotificationPolicy,
  NotificationPolicySchema,
  planEscalation,
} from './escalation.js';

const MIN = 60_000;
const T = Date.parse('2026-11-23T10:00:00Z');
const hook = newId('webhookEndpoint');
const policy: NotificationPolicy = {
  tiers: [
    { afterMinutes: 0, recipients: { roles: ['operator'] }, channels: ['email', 'in_app'] },
    { afterMinutes: 15, recipients: { roles: ['manager'] }, channels: ['email', 'sms'] },
    { afterMinutes: 30, recipients: { webhookEndpointIds: [hook] }, channels: ['webhook'] },
  ],
  repeatEveryMinutes: 60,
  maxRepeats: 2,
};
const alert = {
  id: 'alr_x',
  severity: 'critical' as const,
  raisedAt: T,
  acknowledgedAt: null,
  resolvedAt: null,
};
const keys = (plan: ReturnType<typeof planEscalation>) => plan.due.map((d) => [d.tier, d.repeat]);

describe('planEscalation', () => {
  it('walks the tiers by their delay while nobody acknowledges', () => {
    const first = planEscalation(policy, alert, T);
    expect(first.due).toEqual([
      {
        tier: 1,
        repeat: 0,
        dueAt: T,
        recipients: { roles: ['operator'] },
        channels: ['email', 'in_app'],
        dedupKey: 'alr_x:tier1:repeat0',
      },
    ]);
    expect(first.nextCheckAt).toBe(T + 15 * MIN);
    const sent: EscalationKey[] = [{ tier: 1, repeat: 0 }];
    const second = planEscalation(policy, alert, T + 15 * MIN, sent);
    expect(keys(second)).toEqual([[2, 0]]);
    expect(second.due[0]?.dedupKey).toBe('alr_x:tier2:repeat0');
    expect(second.nextCheckAt).toBe(T + 30 * MIN);
  });

  it('repeats the whole sequence repeatEveryMinutes after the last tier, up to the cap', () => {
    const sentR0 = [1, 2, 3].map((tier) => ({ tier, repeat: 0 }));
    expect(planEscalation(policy, alert, T + 30 * MIN, sentR0.slice(0, 2)).nextCheckAt).toBe(
      T + 90 * MIN,
    );
    expect(keys(planEscalation(policy, alert, T + 90 * MIN, sentR0))).toEqual([[1, 1]]);
    const allButLast = [0, 1, 2]
      .flatMap((repeat) => [1, 2, 3].map((tier) => ({ tier, repeat })))
      .slice(0, -1);
    const last = planEscalation(policy, alert, T + 210 * MIN, allButLast);
    expect(keys(last)).toEqual([[3, 2]]);
    expect(last.nextCheckAt).toBeNull();
  });

  it('stops once acknowledged or resolved', () => {
    for (const done of [{ acknowledgedAt: T + MIN }, { resolvedAt: T + MIN }]) {
      expect(planEscalation(policy, { ...alert, ...done }, T + 20 * MIN)).toEqual({
        due: [],
        nextCheckAt: null,
      });
    }
  });

  it('a redelivered run sends nothing twice', () => {
    const plan = planEscalation(policy, alert, T + 15 * MIN);
    expect(keys(plan)).toEqual([
      [1, 0],
      [2, 0],
    ]);
    const again = planEscalation(policy, alert, T + 15 * MIN, plan.due);
    expect(again.due).toEqual([]);
  });

  it('after missed runs each tier catches up with its newest due repeat only', () => {
    expect(keys(planEscalation(policy, alert, T + 200 * MIN, [{ tier: 1, repeat: 0 }]))).toEqual([
      [1, 2],
      [2, 2],
      [3, 1],
    ]);
  });

  it('info alerts notify tier 1 once and never escalate', () => {
    const info = planEscalation(policy, { ...alert, severity: 'info' }, T + 500 * MIN);
    expect(keys(info)).toEqual([[1, 0]]);
    expect(info.nextCheckAt).toBeNull();
  });

  it('makes deterministic deduplication keys', () => {
    expect(escalationKey('alr_abc', { tier: 2, repeat: 0 })).toBe('alr_abc:tier2:repeat0');
  });

  it('property: driven by nextCheckAt, every (tier, repeat) goes out at most once, never early, every tier reached', () => {
    const tiers = fc
      .uniqueArray(fc.integer({ min: 1, max: 120 }), { maxLength: 4 })
      .map((later) => [0, ...later.sort((a, b) => a - b)]);
    fc.assert(
      fc.property(
        tiers,
        fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 30 * MIN }), { maxLength: 40 }),
        (afters, repeatEveryMinutes, maxRepeats, jitters) => {
          const p: NotificationPolicy = {
            tiers: afters.map((afterMinutes) => ({
              afterMinutes,
              recipients: { roles: ['operator'] },
              channels: ['email'],
            })),
            repeatEveryMinutes,
            maxRepeats: repeatEveryMinutes === null ? 0 : maxRepeats,
          };
          expect(NotificationPolicySchema.safeParse(p).success).toBe(true);
          const sent: (EscalationKey & { at: number; dueAt: number })[] = [];
          let now: number | null = T;
          for (let i = 0; now !== null && i < 500; i++) {
            const plan = planEscalation(p, { ...alert, severity: 'warning' }, now, sent);
            for (const d of plan.due) sent.push({ ...d, at: now });
            // QStash may deliver late: runs slip by up to 30 min.
            now = plan.nextCheckAt === null ? null : plan.nextCheckAt + (jitters[i] ?? 0);
          }
          const ids = sent.map((s) => `${s.tier}:${s.repeat}`);
          expect(new Set(ids).size).toBe(ids.length);
          for (const s of sent) expect(s.at).toBeGreaterThanOrEqual(s.dueAt);
          // A late run may skip a superseded repeat, but every tier is reached at least once.
          expect(new Set(sent.map((s) => s.tier)).size).toBe(afters.length);
          const maxRepeat = Math.max(...sent.map((s) => s.repeat));
          expect(maxRepeat).toBeLessThanOrEqual(p.maxRepeats);
          if (jitters.every((j) => j === 0)) {
            expect(sent).toHaveLength(afters.length * (p.maxRepeats + 1));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('NotificationPolicySchema', () => {
  const issues = (input: unknown) => {
    const parsed = NotificationPolicySchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
  };

  it('accepts a three-tier policy', () => {
    expect(issues(policy)).toEqual([]);
  });

  it('requires tier 1 at 0 and strictly increasing delays', () => {
    const [t1, t2, t3] = policy.tiers as [never, never, never];
    expect(issues({ ...policy, tiers: [{ ...(t1 as object), afterMinutes: 5 }, t2, t3] })).toEqual([
      'tiers.0.afterMinutes',
    ]);
    expect(issues({ ...policy, tiers: [t1, t2, { ...(t3 as object), afterMinutes: 15 }] })).toEqual(
      ['tiers.2.afterMinutes'],
    );
  });

  it('limits tiers to 1…5 and repeats to 0…20 with an interval', () => {
    expect(issues({ ...policy, tiers: [] })).toEqual(['tiers']);
    const many = Array.from({ length: 6 }, (_, i) => ({ ...policy.tiers[0]!, afterMinutes: i }));
    expect(issues({ ...policy, tiers: many })).toContain('tiers');
    expect(issues({ ...policy, maxRepeats: 21 })).toEqual(['maxRepeats']);
    expect(issues({ ...policy, repeatEveryMinutes: null })).toEqual(['maxRepeats']);
    expect(issues({ ...policy, repeatEveryMinutes: 0 })).toEqual(['repeatEveryMinutes']);
  });

  it('pairs webhooks with endpoints and people with personal channels', () => {
    const tier = (t: object) => ({ ...policy, tiers: [{ afterMinutes: 0, ...t }] });
    expect(issues(tier({ recipients: { roles: ['owner'] }, channels: ['webhook'] }))).toEqual([
      'tiers.0.channels',
      'tiers.0.channels',
    ]);
    expect(issues(tier({ recipients: {}, channels: ['email'] }))).toEqual(['tiers.0.recipients']);
    expect(issues(tier({ recipients: { userIds: ['usr_nope'] }, channels: ['email'] }))).toEqual([
      'tiers.0.recipients.userIds.0',
    ]);
  });
});
