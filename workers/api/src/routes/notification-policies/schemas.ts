import { EscalationTierSchema, NotificationPolicySchema, SeveritySchema } from '@anythingiot/core';
import type { StoredNotificationPolicy } from '@anythingiot/db';
import { z } from '@hono/zod-openapi';

const policyFields = {
  name: z.string().trim().min(1).max(120),
  facilityId: z
    .string()
    .nullable()
    .default(null)
    .openapi({ description: 'A facility, or null for every facility of the tenant' }),
  severities: z
    .array(SeveritySchema)
    .min(1)
    .refine((s) => new Set(s).size === s.length, 'severities must not repeat'),
  tiers: z.array(EscalationTierSchema).openapi({
    description:
      'Tier 1 notifies at once (afterMinutes 0); each later tier if the alert is still unacknowledged after its afterMinutes.',
  }),
  repeatEveryMinutes: z.number().int().nullable(),
  maxRepeats: z.number().int(),
};

/**
 * A policy as the API accepts it. Tier rules (order, recipients, channels, repeats) are core's
 * NotificationPolicySchema, so the API and the escalation job can never disagree on them.
 */
export const NotificationPolicyBodySchema = z
  .object(policyFields)
  .strict()
  .superRefine((body, ctx) => {
    const checked = NotificationPolicySchema.safeParse({
      tiers: body.tiers,
      repeatEveryMinutes: body.repeatEveryMinutes,
      maxRepeats: body.maxRepeats,
    });
    if (checked.success) return;
    for (const issue of checked.error.issues) {
      ctx.addIssue({
        code: 'custom',
        path: issue.path as (string | number)[],
        message: issue.message,
      });
    }
  })
  .openapi('NotificationPolicyInput');

export const NotificationPolicyOutSchema = z
  .object({
    id: z.string().openapi({ example: 'npl_0123456789abcdefghjk' }),
    ...policyFields,
    facilityId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('NotificationPolicy');

export function presentPolicy(
  p: StoredNotificationPolicy,
): z.infer<typeof NotificationPolicyOutSchema> {
  return {
    id: p.id,
    name: p.name,
    facilityId: p.facilityId,
    severities: p.severities as z.infer<typeof SeveritySchema>[],
    tiers: p.tiers,
    repeatEveryMinutes: p.repeatEveryMinutes,
    maxRepeats: p.maxRepeats,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
