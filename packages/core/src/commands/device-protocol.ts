import { z } from 'zod';
import { fieldErrors } from '../errors/validate-with.js';
import { CommandProgressSchema, CommandResultSchema } from './command-input.js';

/**
 * The device side of commands, over both paths: the `commands` a device finds in its ingest
 * answers (and in the acknowledgement endpoint's), the body it acknowledges with over HTTP, and
 * the frames of its room connection (`/parties/device-room/<device id>`). Shared by the api,
 * the device room and the sdk so the three cannot drift apart.
 */

/** A command as the device receives it. */
export const DeliveredCommandSchema = z.object({
  id: z.string(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  /** ISO time; after it, an unacknowledged command is expired and its acknowledgement refused. */
  expiresAt: z.string(),
});
export type DeliveredCommand = z.infer<typeof DeliveredCommandSchema>;

const CommandIdSchema = z.string().min(1).max(64);

/**
 * `POST /v1/devices/commands/ack`, signed like ingest: acknowledgements, results and progress,
 * any of them (all empty just fetches what is waiting).
 */
export const CommandReportBodySchema = z
  .object({
    acks: z.array(CommandIdSchema).max(100).default([]),
    results: z.array(CommandResultSchema).max(100).default([]),
    progress: z.array(CommandProgressSchema).max(100).default([]),
  })
  .strict();
export type CommandReportBody = z.infer<typeof CommandReportBodySchema>;

/** Room frames are as large as an ingest body may be. */
export const MAX_DEVICE_FRAME_BYTES = 256 * 1024;

/** A device's own correlation id for a frame; echoed in the answer to it. */
const FrameIdSchema = z.string().min(1).max(64).optional();

/**
 * Telemetry over the room: the ingest body (`{readings:[…]}`), or one snapshot of metrics as
 * the seed protocol sends it (`{metrics:{…}, ts?}`; without `ts` the server's receipt time is
 * the event time). Readings are validated exactly as HTTP ingest validates them.
 */
export const TelemetryPayloadSchema = z.union([
  z.object({ readings: z.array(z.unknown()).min(1) }).strict(),
  z
    .object({
      metrics: z.record(z.string(), z.unknown()),
      ts: z.union([z.string(), z.number()]).optional(),
    })
    .strict(),
]);

/** Device → server frames. */
export const DeviceFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('telemetry'), id: FrameIdSchema, payload: TelemetryPayloadSchema }),
  z.object({
    type: z.literal('command_ack'),
    id: FrameIdSchema,
    payload: z.object({ commandId: CommandIdSchema }).strict(),
  }),
  z.object({ type: z.literal('command_result'), id: FrameIdSchema, payload: CommandResultSchema }),
  z.object({
    type: z.literal('update_progress'),
    id: FrameIdSchema,
    payload: CommandProgressSchema,
  }),
  z.object({
    type: z.literal('heartbeat'),
    id: FrameIdSchema,
    payload: z.object({}).passthrough().optional(),
  }),
]);
export type DeviceFrame = z.infer<typeof DeviceFrameSchema>;

/** Server → device frames (the tenant rooms' dashboard frames are `ServerFrame`). */
export type DeviceServerFrame =
  | { type: 'command'; payload: DeliveredCommand }
  | {
      type: 'telemetry_ack';
      id?: string;
      payload: {
        accepted: number;
        duplicates: number;
        rejected: { index: number; code: string; detail: string }[];
        serverTime: string;
      };
    }
  | { type: 'command_status'; id?: string; payload: { commandId: string; status: string } }
  | { type: 'heartbeat_ack'; id?: string; payload: { serverTime: string } }
  | {
      type: 'error';
      id?: string;
      payload: {
        code: string;
        message: string;
        errors: { path: string; message: string }[];
      };
    };

export type FrameParse =
  | { ok: true; frame: DeviceFrame }
  | { ok: false; id?: string; error: Extract<DeviceServerFrame, { type: 'error' }>['payload'] };

/**
 * Parses one text frame. Every failure names the field (`type`, `payload.commandId`, …) so a
 * device developer can fix it; the frame's `id` is recovered when it can be, for correlation.
 */
export function parseDeviceFrame(text: string): FrameParse {
  if (new TextEncoder().encode(text).length > MAX_DEVICE_FRAME_BYTES) {
    return invalid('too_large', `A frame may have at most ${MAX_DEVICE_FRAME_BYTES} bytes.`, [
      { path: '', message: 'frame too large' },
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalid('malformed_json', 'The frame is not valid JSON.', [
      { path: '', message: 'not JSON' },
    ]);
  }
  const id =
    typeof (raw as { id?: unknown } | null)?.id === 'string'
      ? ((raw as { id: string }).id.slice(0, 64) as string)
      : undefined;
  const parsed = DeviceFrameSchema.safeParse(raw);
  if (parsed.success) return { ok: true, frame: parsed.data };
  return {
    ...invalid('invalid_frame', 'The frame is invalid.', fieldErrors(parsed.error)),
    ...(id ? { id } : {}),
  };
}

function invalid(
  code: string,
  message: string,
  errors: { path: string; message: string }[],
): FrameParse {
  return { ok: false, error: { code, message, errors } };
}

/**
 * The ingest body a telemetry frame stands for: readings as they are, or the one snapshot with
 * the server's receipt time when it names none.
 */
export function telemetryIngestBody(
  payload: z.infer<typeof TelemetryPayloadSchema>,
  receivedAt: number,
): string {
  if ('readings' in payload) return JSON.stringify({ readings: payload.readings });
  return JSON.stringify({
    readings: [{ ts: payload.ts ?? new Date(receivedAt).toISOString(), metrics: payload.metrics }],
  });
}

/**
 * What a device signs to open its room connection: `hex(HMAC-SHA256(secret, message + ts))`
 * with the ingest signature's formula, over a message no ingest body can equal (a body is JSON).
 */
export const connectTokenMessage = (deviceId: string) => `anythingiot-connect:${deviceId}`;
