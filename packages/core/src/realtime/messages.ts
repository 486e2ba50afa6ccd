import { z } from 'zod';
import { COMMAND_STATUSES } from '../commands/lifecycle.js';

/**
 * The live protocol between a tenant room and its dashboards. Every frame carries `v`; a
 * client that sees a higher major version than it knows reconnects after reloading. Times are
 * Unix ms: event time for readings (`ts`), server time for everything else, so a client that
 * reconnects can ask the API for what happened since the last timestamp it saw.
 */
export const LIVE_PROTOCOL_VERSION = 1;

const id = z.string().min(1).max(64);
const ms = z.number().int().nonnegative();

export const LivePointSchema = z.object({ metric: z.string().min(1), ts: ms, value: z.number() });
export type LivePoint = z.infer<typeof LivePointSchema>;

/** A device's committed batch: newest value per metric, and every point (event time). */
export const ReadingsEventSchema = z.object({
  type: z.literal('readings'),
  deviceId: id,
  facilityId: id.nullable(),
  /** Server time the batch was committed. */
  acceptedAt: ms,
  /** The newest reading per metric in this message. */
  latest: z.record(z.string(), z.object({ ts: ms, value: z.number() })),
  points: z.array(LivePointSchema),
  /**
   * Set when the room merged several batches for a slow connection: `latest` is right, but
   * `points` is empty and the series has holes — fetch it from the API if it is on screen.
   */
  coalesced: z.boolean().optional(),
});
export type ReadingsEvent = z.infer<typeof ReadingsEventSchema>;

export const DeviceStatusEventSchema = z.object({
  type: z.literal('device_status'),
  deviceId: id,
  facilityId: id.nullable(),
  status: z.enum(['online', 'offline']),
  /** When the change happened (for `online`: event time of the first reading back). */
  at: ms,
});
export type DeviceStatusEvent = z.infer<typeof DeviceStatusEventSchema>;

/** What a dashboard needs to draw or update an alert row without fetching it. */
export const LiveAlertSchema = z.object({
  id,
  deviceId: id,
  facilityId: id.nullable(),
  kind: z.enum(['excursion', 'offline']),
  severity: z.enum(['info', 'warning', 'critical']),
  status: z.enum(['active', 'acknowledged', 'resolved']),
  title: z.string(),
  metric: z.string().nullable(),
  /** Event time the condition began / ended (null while it lasts). */
  startedAt: ms,
  endedAt: ms.nullable(),
  /** Optimistic-concurrency version: a page acknowledging sends the one it shows. */
  version: z.number().int().positive(),
});
export type LiveAlert = z.infer<typeof LiveAlertSchema>;

export const ALERT_LIVE_CHANGES = ['opened', 'acknowledged', 'resolved', 'cleared'] as const;
export const AlertEventSchema = z.object({
  type: z.literal('alert'),
  /** `cleared`: the condition ended while nobody had acknowledged (the alert stays active). */
  change: z.enum(ALERT_LIVE_CHANGES),
  /** Server time of the change. */
  at: ms,
  alert: LiveAlertSchema,
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;

export const CommandStatusEventSchema = z.object({
  type: z.literal('command_status'),
  commandId: id,
  deviceId: id,
  facilityId: id.nullable(),
  /** The command's type, e.g. `reboot`, `set_interval`. */
  command: z.string().min(1).max(64),
  status: z.enum(COMMAND_STATUSES),
  /** Server time of the change. */
  at: ms,
  /** A device's result or failure text, shortened. */
  detail: z.string().max(500).nullable().optional(),
});
export type CommandStatusEvent = z.infer<typeof CommandStatusEventSchema>;

/** What publishers hand to a room; each names the device and facility it belongs to. */
export const LiveEventSchema = z.discriminatedUnion('type', [
  ReadingsEventSchema,
  DeviceStatusEventSchema,
  AlertEventSchema,
  CommandStatusEventSchema,
]);
export type LiveEvent = z.infer<typeof LiveEventSchema>;
export type LiveEventType = LiveEvent['type'];

/** Most events one publish may carry (an ingest batch makes one or two). */
export const MAX_EVENTS_PER_PUBLISH = 500;
export const LiveEventBatchSchema = z.array(LiveEventSchema).max(MAX_EVENTS_PER_PUBLISH);

// ---- frames on the socket -------------------------------------------------------------

/**
 * Server → client. Events carry `seq` (increasing within a room's life); the client
 * acknowledges the highest it has handled so the room can tell a slow reader from a fast one.
 */
export type LiveEventFrame = LiveEvent & { v: typeof LIVE_PROTOCOL_VERSION; seq: number };

export type LiveHelloFrame = {
  v: typeof LIVE_PROTOCOL_VERSION;
  type: 'hello';
  tenantId: string;
  role: string;
  facilityIds: string[] | null;
  /** When the token expires: send `refresh` before, or be disconnected (4401). */
  expiresAt: number;
  /** Server time now. */
  at: number;
};
export type LiveSubscribedFrame = {
  v: typeof LIVE_PROTOCOL_VERSION;
  type: 'subscribed';
  /** The effective subscription (facility ids outside one's scope are left out). */
  facilityIds: string[] | 'all';
  deviceIds: string[];
  expiresAt: number;
};
export type LiveErrorFrame = {
  v: typeof LIVE_PROTOCOL_VERSION;
  type: 'error';
  code: 'invalid_message' | 'invalid_token' | 'forbidden';
  detail: string;
  /** The offending field, e.g. `facilityIds.0`. */
  path?: string;
};
/** The room may have skipped messages for this connection: fetch from the API since `since`. */
export type LiveResyncFrame = { v: typeof LIVE_PROTOCOL_VERSION; type: 'resync'; at: number };

export type LiveServerFrame =
  | LiveEventFrame
  | LiveHelloFrame
  | LiveSubscribedFrame
  | LiveErrorFrame
  | LiveResyncFrame;

/** Most ids one subscription may name (a connection is one dashboard screen). */
export const MAX_SUBSCRIPTION_IDS = 500;

/** Client → server. */
export const LiveClientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    v: z.literal(LIVE_PROTOCOL_VERSION),
    type: z.literal('subscribe'),
    /** 'all' = every facility one may see (and devices without a facility, if unlimited). */
    facilityIds: z.union([z.literal('all'), z.array(id).max(MAX_SUBSCRIPTION_IDS)]),
    deviceIds: z.array(id).max(MAX_SUBSCRIPTION_IDS).default([]),
  }),
  z.object({
    v: z.literal(LIVE_PROTOCOL_VERSION),
    type: z.literal('ack'),
    /** The highest `seq` handled. */
    seq: z.number().int().nonnegative(),
  }),
  z.object({
    v: z.literal(LIVE_PROTOCOL_VERSION),
    type: z.literal('refresh'),
    /** A fresh room token (same tenant): extends the connection and updates role and scope. */
    token: z.string().min(1).max(4_096),
  }),
]);
export type LiveClientFrame = z.infer<typeof LiveClientFrameSchema>;
