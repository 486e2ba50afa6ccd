import { type AlertRuleInput, isId } from '@anythingiot/core';
import { alertRuleRepo, type StoredAlertRule } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { assertScopeInTenant, ruleNotFound } from './rule-scope-check.js';

// One file for the rule use cases: each is three lines around the repository, and they share
// the scope check and the not-found answer. The caller's facility scope goes to the repository,
// which puts it in every WHERE: a caller limited to facilities sees the rules of its facilities,
// of their devices and the tenant-wide ones, and changes only the first two.

/** Creates a rule (input already validated by AlertRuleInputSchema at the edge). */
export async function createAlertRule({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { rule: AlertRuleInput; presetId?: string };
}): Promise<StoredAlertRule> {
  await assertScopeInTenant(ctx, input.rule.scope);
  return alertRuleRepo(ctx.db, ctx.tenantId).create(
    input.rule,
    input.presetId ?? null,
    auditMeta(ctx),
  );
}

export function listAlertRules({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { deviceId?: string; facilityId?: string; metric?: string; includeArchived?: boolean };
}) {
  return alertRuleRepo(ctx.db, ctx.tenantId, ctx).list(input);
}

export async function getAlertRule({ ctx, input }: { ctx: TenantCtx; input: { id: string } }) {
  const rule = isId('alertRule', input.id)
    ? await alertRuleRepo(ctx.db, ctx.tenantId, ctx).get(input.id)
    : undefined;
  if (!rule) throw ruleNotFound(input.id);
  return rule;
}

/** Replaces a rule; the reason goes to the audit entry beside before and after. */
export async function updateAlertRule({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; rule: AlertRuleInput; reason: string };
}): Promise<StoredAlertRule> {
  if (!isId('alertRule', input.id)) throw ruleNotFound(input.id);
  await assertScopeInTenant(ctx, input.rule.scope);
  const rule = await alertRuleRepo(ctx.db, ctx.tenantId, ctx).update(
    input.id,
    input.rule,
    input.reason,
    auditMeta(ctx),
  );
  if (!rule) throw ruleNotFound(input.id);
  return rule;
}

export async function archiveAlertRule({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; reason: string };
}): Promise<StoredAlertRule> {
  if (!isId('alertRule', input.id)) throw ruleNotFound(input.id);
  const rule = await alertRuleRepo(ctx.db, ctx.tenantId, ctx).archive(
    input.id,
    input.reason,
    auditMeta(ctx),
  );
  if (!rule) throw ruleNotFound(input.id);
  return rule;
}
