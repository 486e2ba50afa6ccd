import { COMMAND_STATUSES, CommandInputSchema } from '@anythingiot/core';
import type { Command } from '@anythingiot/db';
import { z } from '@hono/zod-openapi';

export const CommandSchema = z
  .object({
    id: z.string().openapi({ example: 'cmd_0123456789abcdefghjk' }),
    deviceId: z.string(),
    type: z.string().openapi({ example: 'set_report_interval' }),
    payload: z.record(z.string(), z.unknown()).openapi({ example: { seconds: 30 } }),
    status: z.enum(COMMAND_STATUSES),
    idempotencyKey: z.string().nullable(),
    ttlSeconds: z.number().int(),
    createdBy: z.object({ type: z.string(), id: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string().openapi({ description: 'Unacknowledged by then, the command expires' }),
    sentAt: z.string().nullable().openapi({ description: 'First hand-over to the device' }),
    lastSentAt: z.string().nullable(),
    deliveryCount: z
      .number()
      .int()
      .openapi({ description: 'Hand-overs so far (delivery is at least once)' }),
    acknowledgedAt: z.string().nullable(),
    finishedAt: z
      .string()
      .nullable()
      .openapi({ description: 'When it completed, failed or expired' }),
    response: z.unknown().openapi({ description: "The device's answer" }),
    error: z.string().nullable(),
    progress: z.number().int().nullable(),
  })
  .openapi('Command');

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentCommand(c: Command): z.infer<typeof CommandSchema> {
  return {
    id: c.id,
    deviceId: c.deviceId,
    type: c.type,
    payload: c.payload as Record<string, unknown>,
    status: c.status,
    idempotencyKey: c.idempotencyKey,
    ttlSeconds: c.ttlSeconds,
    createdBy: c.createdBy as { type: string; id: string },
    createdAt: c.createdAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    sentAt: iso(c.sentAt),
    lastSentAt: iso(c.lastSentAt),
    deliveryCount: c.deliveryCount,
    acknowledgedAt: iso(c.acknowledgedAt),
    finishedAt: iso(c.finishedAt),
    response: c.response ?? null,
    error: c.error,
    progress: c.progress,
  };
}

/**
 * The body of both create routes: core's own schema (the dashboard validates with it too), so
 * every field problem is answered at once, in the same words, whichever door it came through.
 */
export const NewCommandSchema = CommandInputSchema;

/** A replayed idempotent request says so, like Stripe's. */
export const replayedHeader = (created: boolean): Record<string, string> =>
  created ? {} : { 'idempotent-replayed': 'true' };
