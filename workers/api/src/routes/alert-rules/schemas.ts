import { AlertRuleInputSchema, RULE_PRESETS } from '@anythingiot/core';
import type { StoredAlertRule } from '@anythingiot/db';
import { z } from '@hono/zod-openapi';

const presetIds = RULE_PRESETS.map((p) => p.id) as [string, ...string[]];

export const NewAlertRuleSchema = z
  .object({
    rule: AlertRuleInputSchema,
    presetId: z.enum(presetIds).optional().openapi({ description: 'The preset it started from' }),
  })
  .strict()
  .openapi('NewAlertRule');

export const AlertRuleChangeSchema = z
  .object({
    rule: AlertRuleInputSchema,
    reason: z
      .string()
      .trim()
      .min(1)
      .max(2_000)
      .openapi({ description: 'Why; goes to the audit log' }),
  })
  .strict()
  .openapi('AlertRuleChange');

export const ArchiveSchema = z
  .object({ reason: z.string().trim().min(1).max(2_000) })
  .strict()
  .openapi('AlertRuleArchive');

export const AlertRuleSchema = z
  .object({
    id: z.string().openapi({ example: 'arl_0123456789abcdefghjk' }),
    rule: AlertRuleInputSchema,
    version: z.number().int(),
    presetId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    archivedAt: z.string().nullable(),
  })
  .openapi('AlertRule');

export function presentRule(r: StoredAlertRule): z.infer<typeof AlertRuleSchema> {
  const { id, version, presetId, createdAt, updatedAt, archivedAt, ...rule } = r;
  return {
    id,
    rule,
    version,
    presetId,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    archivedAt: archivedAt ? archivedAt.toISOString() : null,
  };
}
