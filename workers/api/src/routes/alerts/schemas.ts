import { ACK_REASON_CODES } from '@anythingiot/core';
import type { Alert, AlertEvent } from '@anythingiot/db';
import { z } from '@hono/zod-openapi';

const ActorSchema = z.object({ type: z.string(), id: z.string() }).nullable();

export const AlertSchema = z
  .object({
    id: z.string().openapi({ example: 'alr_0123456789abcdefghjk' }),
    kind: z.enum(['excursion', 'offline']),
    status: z.enum(['active', 'acknowledged', 'resolved']),
    severity: z.enum(['info', 'warning', 'critical']),
    title: z.string(),
    deviceId: z.string(),
    facilityId: z.string().nullable(),
    ruleId: z.string().nullable(),
    excursionId: z.string().nullable(),
    metric: z.string().nullable(),
    peak: z.number().nullable(),
    startedAt: z.string().openapi({ description: 'Event time the condition began' }),
    endedAt: z.string().nullable().openapi({ description: 'Event time it ended' }),
    alertAt: z.string().openapi({ description: 'Event time the rule duration was reached' }),
    raisedAt: z.string().openapi({ description: 'Server time the alert was raised' }),
    retrospective: z
      .boolean()
      .openapi({ description: 'Found later, from late or backfilled data' }),
    dataGap: z.boolean().openapi({ description: 'Raised on missing data (conservative)' }),
    longestGapMs: z.number().nullable().openapi({
      description:
        'Longest stretch without a reading inside the excursion, ms (null without an excursion); dataGap judges only around the alert instant',
    }),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: ActorSchema,
    ackReasonCode: z.string().nullable(),
    ackComment: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: ActorSchema,
    resolution: z.string().nullable(),
  })
  .openapi('Alert');

export const AlertDetailSchema = AlertSchema.extend({
  timeline: z.array(
    z.object({ at: z.string(), type: z.string(), actor: ActorSchema, detail: z.unknown() }),
  ),
}).openapi('AlertDetail');

export const AcknowledgeSchema = z
  .object({
    reasonCode: z.enum(ACK_REASON_CODES).optional(),
    comment: z.string().max(2_000).optional(),
  })
  .strict()
  .openapi('Acknowledgement');

export const ResolveSchema = z
  .object({ reason: z.string().min(1).max(2_000) })
  .strict()
  .openapi('Resolution');

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const actor = (a: unknown) => (a ? (a as { type: string; id: string }) : null);

export function presentAlert(
  a: Alert & { longestGapMs?: number | null },
): z.infer<typeof AlertSchema> {
  return {
    id: a.id,
    kind: a.kind,
    status: a.status,
    severity: a.severity,
    title: a.title,
    deviceId: a.deviceId,
    facilityId: a.facilityId,
    ruleId: a.ruleId,
    excursionId: a.excursionId,
    metric: a.metric,
    peak: a.peak,
    startedAt: a.startedAt.toISOString(),
    endedAt: iso(a.endedAt),
    alertAt: a.alertAt.toISOString(),
    raisedAt: a.raisedAt.toISOString(),
    retrospective: a.retrospective,
    dataGap: a.dataGap,
    longestGapMs: a.longestGapMs ?? null,
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: actor(a.acknowledgedBy),
    ackReasonCode: a.ackReasonCode,
    ackComment: a.ackComment,
    resolvedAt: iso(a.resolvedAt),
    resolvedBy: actor(a.resolvedBy),
    resolution: a.resolution,
  };
}

export function presentTimeline(events: AlertEvent[]) {
  return events.map((e) => ({
    at: e.at.toISOString(),
    type: e.type,
    actor: actor(e.actor),
    detail: e.detail,
  }));
}
