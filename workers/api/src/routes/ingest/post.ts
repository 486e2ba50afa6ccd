import { ingest } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { readBodyLimited } from '../../lib/read-body.js';
import { afterResponse } from '../../middleware/services.js';
import { ingestCtx } from '../../service-ports.js';

export const MAX_INGEST_BODY_BYTES = 256 * 1024;

const ResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(z.object({ index: z.number().int(), code: z.string(), detail: z.string() })),
    serverTime: z.string(),
    commands: z.array(z.unknown()),
  })
  .openapi('IngestResult');

const headers = z.object({
  'x-device-id': z.string().optional().openapi({ description: 'The device id (dev_…)' }),
  'x-timestamp': z.string().optional().openapi({ description: 'Unix milliseconds, as signed' }),
  'x-signature': z
    .string()
    .optional()
    .openapi({ description: 'hex HMAC-SHA256(secret, rawBody + X-Timestamp)' }),
});

const route = (path: string) =>
  createRoute({
    method: 'post',
    path,
    tags: ['ingest'],
    summary: 'Post signed device readings',
    request: { headers },
    responses: {
      200: {
        description: 'Committed (valid readings stored; invalid ones listed)',
        content: { 'application/json': { schema: ResultSchema } },
      },
      400: { description: 'Missing headers' },
      401: { description: 'bad_signature | unknown device | revoked | stale_timestamp | replayed' },
      413: { description: 'Body over 256 KiB' },
      422: { description: 'Malformed JSON, no valid reading, over 1,000 readings' },
      429: { description: 'Per-device rate limit; see Retry-After' },
      503: { description: 'Storage unavailable; see Retry-After' },
    },
  });

/** POST /v1/ingest, and the same at /api/sensors/ingest for the customer's existing clients. */
export function registerIngest(app: App) {
  for (const path of ['/v1/ingest', '/api/sensors/ingest']) {
    app.openapi(route(path), async (c) => {
      const rawBody = await readBodyLimited(c.req.raw, MAX_INGEST_BODY_BYTES);
      const { result, live } = await ingest({
        ctx: ingestCtx(c),
        input: {
          deviceId: c.req.header('x-device-id'),
          timestamp: c.req.header('x-timestamp'),
          signature: c.req.header('x-signature'),
          rawBody,
        },
      });
      // Committed and answered: the dashboards hear of it after the response (waitUntil). The
      // publisher never throws, so a room that is down never turns into a failed post.
      if (live.events.length > 0) {
        afterResponse(c, c.var.deps.live.publish(live.tenantId, live.events));
      }
      return c.json(result, 200);
    });
  }
}
