import { ensureReadingPartitions } from '@anythingiot/db';
import type { App } from '../../app-type.js';
import { verifiedJobBody } from './verify-qstash.js';

export const ENSURE_PARTITIONS_PATH = '/v1/jobs/ensure-partitions';

/**
 * QStash callback (daily schedule, see jobs/schedules.ts): makes sure `readings` has monthly
 * partitions from this month to three months ahead. Idempotent, so redelivery is harmless.
 * A plain route, not an OpenAPI one: only QStash calls it, so it stays out of the public docs.
 */
export function registerEnsurePartitionsJob(app: App) {
  app.post(ENSURE_PARTITIONS_PATH, async (c) => {
    await verifiedJobBody(c);
    const created = await ensureReadingPartitions(c.var.db(), new Date(c.var.deps.now()));
    return c.json({ created }, 200);
  });
}
