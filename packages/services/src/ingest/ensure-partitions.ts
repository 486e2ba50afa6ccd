import { ensureReadingPartitions } from '@anythingiot/db';
import type { SystemCtx } from '../context.js';

/**
 * The `ensurePartitionsJob`: `readings` gets its monthly partitions from this month to three
 * months ahead (by the ports' clock). Idempotent, so a redelivery creates nothing; returns how
 * many partitions it created.
 */
export async function ensurePartitions({
  ctx,
}: {
  ctx: Pick<SystemCtx, 'db' | 'ports'>;
}): Promise<number> {
  return ensureReadingPartitions(ctx.db, new Date(ctx.ports.now()));
}
