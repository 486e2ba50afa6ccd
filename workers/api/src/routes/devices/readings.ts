import { RESOLUTIONS } from '@anythingiot/core';
import { getReadings } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import {
  API_KEY_SECURITY,
  INVALID,
  idParam,
  NOT_FOUND,
  TENANT_ROUTE_ERRORS,
} from '../openapi-common.js';

const SummarySchema = z.object({
  count: z.number().int(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  mkt: z.number().nullable().openapi({ description: 'Mean kinetic temperature, °C' }),
});

const SeriesSchema = z
  .object({
    deviceId: z.string(),
    metric: z.string(),
    unit: z.string().nullable(),
    resolution: z.enum(RESOLUTIONS),
    from: z.string(),
    to: z.string(),
    points: z.array(
      z.union([
        z.object({ ts: z.string(), value: z.number(), seq: z.number().nullable() }),
        z.object({
          ts: z.string(),
          count: z.number().int(),
          min: z.number(),
          max: z.number(),
          mean: z.number(),
          mkt: z.number().nullable(),
        }),
      ]),
    ),
    truncated: z.boolean(),
    summary: SummarySchema.nullable(),
  })
  .openapi('ReadingSeries');

const route = createRoute({
  method: 'get',
  path: '/v1/devices/{id}/readings',
  tags: ['readings'],
  summary: 'A metric of a device over time, raw or bucketed, with min/max/mean and MKT',
  description:
    '`resolution=auto` (default) serves raw readings up to 6 h and otherwise the finest of 1m/5m/1h/1d buckets that keeps the series under 1,500 points. Buckets are whole and UTC-aligned; event time, not arrival time. An explicit resolution answers at most 10,080 buckets (a week of 1m); beyond that, 422 `too_many_points` — narrow from/to or pick a coarser resolution.',
  middleware: [authorize('readings:read')] as const,
  security: API_KEY_SECURITY,
  request: {
    params: idParam('dev_0123456789abcdefghjk'),
    query: z.object({
      metric: z.string().default('temperature'),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      resolution: z.enum(['auto', ...RESOLUTIONS]).default('auto'),
    }),
  },
  responses: {
    200: { description: 'The series', content: { 'application/json': { schema: SeriesSchema } } },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerGetReadings(app: App) {
  app.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const series = await getReadings({
      ctx: c.var.ctx,
      input: {
        id: c.req.valid('param').id,
        metric: q.metric,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        resolution: q.resolution,
      },
    });
    return c.json(
      {
        ...series,
        from: series.from.toISOString(),
        to: series.to.toISOString(),
        points: series.points.map((p) => ({ ...p, ts: p.ts.toISOString() })),
      },
      200,
    );
  });
}
