import { isId } from '@anythingiot/core';
import { type AlertEvent, type AlertView, alertRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { alertNotFound } from './alert-errors.js';

/** An alert with its timeline (raised, notified, escalated, acknowledged, cleared, resolved). */
export async function getAlert({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}): Promise<{ alert: AlertView; timeline: AlertEvent[] }> {
  if (!isId('alert', input.id)) throw alertNotFound(input.id);
  const repo = alertRepo(ctx.db, ctx.tenantId, ctx);
  const alert = await repo.get(input.id);
  if (!alert) throw alertNotFound(input.id);
  return { alert, timeline: await repo.timeline(input.id) };
}
