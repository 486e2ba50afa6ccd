import { expireCommands } from '@anythingiot/services';
import { z } from 'zod';
import type { App } from '../../app-type.js';
import { COMMAND_EXPIRY_PATH } from '../../commands/jobs.js';
import { servicePorts } from '../../service-ports.js';
import { verifiedJobBody } from './verify-qstash.js';

const JobSchema = z.object({ tenantId: z.string().min(1).optional() }).strict();

/**
 * QStash callback: expires overdue, unacknowledged commands — a tenant's (scheduled when its
 * commands were created, for their expiry instant) or everyone's (the per-minute schedule, the
 * safety net for a publish that was lost). Idempotent: a redelivery finds nothing left to do.
 */
export function registerCommandExpiryJob(app: App) {
  app.post(COMMAND_EXPIRY_PATH, async (c) => {
    const text = await verifiedJobBody(c);
    const job = JobSchema.parse(text.trim() === '' ? {} : JSON.parse(text));
    const expired = await expireCommands({
      ctx: { db: c.var.db(), ports: servicePorts(c.var.deps), requestId: c.var.requestId },
      input: job,
    });
    return c.json({ expired: expired.length }, 200);
  });
}
