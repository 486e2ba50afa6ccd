import {
  CommandReportBodySchema,
  DeliveredCommandSchema,
  DomainError,
  validateWith,
} from '@anythingiot/core';
import {
  authenticateDevice,
  claimCommands,
  deviceCtx,
  reportCommands,
  toDelivered,
} from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { readBodyLimited } from '../../lib/read-body.js';
import { ingestCtx } from '../../service-ports.js';

const MAX_REPORT_BODY_BYTES = 64 * 1024;

const OutcomeSchema = z.union([
  z.object({ commandId: z.string(), ok: z.literal(true), status: z.string() }),
  z.object({
    commandId: z.string(),
    ok: z.literal(false),
    code: z.enum(['not_found', 'conflict']),
    reason: z.string().openapi({
      description:
        'not_found | not_delivered | expired | already_completed | already_failed | concurrent_change',
    }),
    message: z.string(),
  }),
]);

const route = createRoute({
  method: 'post',
  path: '/v1/devices/commands/ack',
  tags: ['ingest'],
  summary: 'Acknowledge commands and report their results (signed by the device)',
  description:
    'Signed exactly like `/v1/ingest` (`X-Device-Id`, `X-Timestamp`, `X-Signature` over this raw body). Body: `{"acks":["cmd_…"], "results":[{"commandId","status"?,"response"?,"error"?}], "progress":[{"commandId","progress"}]}`, any part optional. Each item is judged alone: `results[]` says what each came to (a repeat answers the current status and changes nothing). The answer also carries the commands waiting for the device, so an empty body polls.',
  request: {
    headers: z.object({
      'x-device-id': z.string().optional(),
      'x-timestamp': z.string().optional(),
      'x-signature': z.string().optional(),
    }),
  },
  responses: {
    200: {
      description: 'Judged; applied where allowed',
      content: {
        'application/json': {
          schema: z
            .object({ results: z.array(OutcomeSchema), commands: z.array(DeliveredCommandSchema) })
            .openapi('CommandReportResult'),
        },
      },
    },
    400: { description: 'Missing headers' },
    401: { description: 'bad_signature | unknown device | revoked | stale_timestamp | replayed' },
    413: { description: 'Body over 64 KiB' },
    422: { description: 'Not JSON, or fields invalid; nothing applied' },
    429: { description: 'Per-device rate limit; see Retry-After' },
  },
});

/** POST /v1/devices/commands/ack: the device's HTTP path for acknowledgements and results. */
export function registerReportCommands(app: App) {
  app.openapi(route, async (c) => {
    const rawBody = await readBodyLimited(c.req.raw, MAX_REPORT_BODY_BYTES);
    const ingest = ingestCtx(c);
    const device = await authenticateDevice({
      ctx: ingest,
      input: {
        deviceId: c.req.header('x-device-id'),
        timestamp: c.req.header('x-timestamp'),
        signature: c.req.header('x-signature'),
        signedBytes: rawBody,
      },
    });
    const body = validateWith(CommandReportBodySchema, parseJson(rawBody), 'command report');
    const ctx = deviceCtx(ingest, device);
    const results = await reportCommands({ ctx, input: body });
    const due = await claimCommands({ ctx, input: { immediately: false } });
    return c.json({ results, commands: due.map(toDelivered) }, 200);
  });
}

/** An empty body is `{}` (a poll); anything else must be JSON. */
function parseJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new DomainError('VALIDATION', 'The body is not valid JSON.', {
      reason: 'malformed_json',
      errors: [{ path: 'body', message: 'not JSON' }],
    });
  }
}
