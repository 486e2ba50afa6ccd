import type { Device } from '@anythingiot/db';
import type { DeviceDetail } from '@anythingiot/services';
import { z } from '@hono/zod-openapi';

export const DeviceSchema = z
  .object({
    id: z.string().openapi({ example: 'dev_0123456789abcdefghjk' }),
    name: z.string(),
    facilityId: z.string().nullable(),
    model: z.string(),
    tags: z.array(z.string()),
    status: z.enum(['active', 'revoked']),
    expectedIntervalSeconds: z.number().int(),
    lastSeenAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Device');

const tag = z.string().trim().min(1).max(40);
const fields = {
  name: z.string().trim().min(1).max(100),
  facilityId: z.string().nullable(),
  model: z.string().trim().max(100),
  tags: z
    .array(tag)
    .max(20)
    .refine((t) => new Set(t).size === t.length, 'tags must be unique'),
  expectedIntervalSeconds: z.number().int().min(1).max(86_400),
};

export const NewDeviceSchema = z
  .object({
    name: fields.name,
    facilityId: fields.facilityId.optional(),
    model: fields.model.optional(),
    tags: fields.tags.optional(),
    expectedIntervalSeconds: fields.expectedIntervalSeconds.optional(),
  })
  .strict()
  .openapi('NewDevice');

export const DevicePatchSchema = z
  .object({
    name: fields.name.optional(),
    facilityId: fields.facilityId.optional(),
    model: fields.model.optional(),
    tags: fields.tags.optional(),
    expectedIntervalSeconds: fields.expectedIntervalSeconds.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change')
  .openapi('DevicePatch');

export const DeviceDetailSchema = DeviceSchema.extend({
  latest: z.array(
    z.object({
      metric: z.string(),
      value: z.number(),
      ts: z.string(),
      seq: z.number().nullable(),
      receivedAt: z.string(),
    }),
  ),
  credentials: z.array(
    z.object({
      id: z.string(),
      createdAt: z.string(),
      validUntil: z.string().nullable(),
      revokedAt: z.string().nullable(),
    }),
  ),
  openSeqGaps: z
    .array(
      z.object({
        fromSeq: z.number().int(),
        toSeq: z.number().int(),
        afterTs: z.string().openapi({ description: 'Event time of the last reading before' }),
        beforeTs: z.string().openapi({ description: 'Event time of the first reading after' }),
        detectedAt: z.string(),
      }),
    )
    .openapi({ description: 'Sequence numbers never delivered; backfill closes them' }),
}).openapi('DeviceDetail');

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public shape of a device. */
export function presentDevice(d: Device): z.infer<typeof DeviceSchema> {
  return {
    id: d.id,
    name: d.name,
    facilityId: d.facilityId,
    model: d.model,
    tags: d.tags,
    status: d.status,
    expectedIntervalSeconds: d.expectedIntervalSeconds,
    lastSeenAt: iso(d.lastSeenAt),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function presentDeviceDetail(d: DeviceDetail): z.infer<typeof DeviceDetailSchema> {
  return {
    ...presentDevice(d.device),
    latest: d.latest.map((l) => ({
      ...l,
      ts: l.ts.toISOString(),
      receivedAt: l.receivedAt.toISOString(),
    })),
    credentials: d.credentials.map((c) => ({
      id: c.id,
      createdAt: c.createdAt.toISOString(),
      validUntil: iso(c.validUntil),
      revokedAt: iso(c.revokedAt),
    })),
    openSeqGaps: d.openSeqGaps.map((g) => ({
      fromSeq: g.fromSeq,
      toSeq: g.toSeq,
      afterTs: g.afterTs.toISOString(),
      beforeTs: g.beforeTs.toISOString(),
      detectedAt: g.detectedAt.toISOString(),
    })),
  };
}
