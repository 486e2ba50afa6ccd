import { type Command, type Database, expireDueCommands } from '@anythingiot/db';
import type { ServicePorts } from '../context.js';
import { notifyCommands } from './notify-commands.js';

/** How many commands one run of the expiry job expires at most; the next run takes the rest. */
export const EXPIRY_BATCH = 500;

/**
 * The expiry job: every unacknowledged command whose time to live ran out becomes expired,
 * audited as the job. Given a command (its own scheduled job), that one only; otherwise all
 * overdue ones (the per-minute safety net for a schedule that was lost). Idempotent: a second
 * run finds nothing to do.
 */
export async function expireCommands({
  ctx,
  input,
}: {
  ctx: { db: Database; ports: ServicePorts; requestId: string | null };
  input: { tenantId?: string; commandId?: string };
}): Promise<Command[]> {
  const expired = await expireDueCommands(
    ctx.db,
    new Date(ctx.ports.now()),
    { ...input, limit: EXPIRY_BATCH },
    { actor: { type: 'job', id: 'command-expiry' }, requestId: ctx.requestId },
  );
  await notifyCommands(ctx.ports, 'changed', expired);
  return expired;
}
