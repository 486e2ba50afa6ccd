import { z } from 'zod';
import { checkExcursion } from '../../alerts/check-excursion.js';
import { ALERTS_SWEEP_PATH, EXCURSION_CHECK_PATH } from '../../alerts/jobs.js';
import { sweepAlerts } from '../../alerts/sweep-alerts.js';
import type { App } from '../../app-type.js';
import { verifiedJobBody } from './verify-qstash.js';

const CheckJobSchema = z.object({ tenantId: z.string().min(1), excursionId: z.string().min(1) });

/**
 * QStash callbacks of the alert pipeline (plain routes: only QStash calls them). Both are
 * idempotent; a failure answers 5xx so QStash retries.
 */
export function registerAlertJobs(app: App) {
  app.post(EXCURSION_CHECK_PATH, async (c) => {
    const job = CheckJobSchema.parse(JSON.parse(await verifiedJobBody(c)));
    const decision = await checkExcursion(c.var.deps, c.var.db(), job, c.var.requestId);
    return c.json({ decision }, 200);
  });
  app.post(ALERTS_SWEEP_PATH, async (c) => {
    await verifiedJobBody(c);
    return c.json(await sweepAlerts(c.var.deps, c.var.db(), c.var.requestId), 200);
  });
}
