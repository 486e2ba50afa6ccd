// The tenant room's frames as the browser reads them. Core defines the protocol with zod; the
// page checks the same shapes by hand so the browser bundle carries no zod (types only from
// core: `import type` is erased). test/live-protocol.test.ts holds this parser to core's
// schemas: what they accept it accepts, and each field they check it checks.

import type {
  CommandStatus,
  LIVE_PROTOCOL_VERSION,
  LiveEvent,
  LiveEventFrame,
  LiveServerFrame,
  LiveSubscription,
} from '@anythingiot/core';

export type { LiveEvent, LiveEventFrame, LiveServerFrame };

/** The protocol version this page speaks; the type breaks the build if core moves on. */
export const LIVE_VERSION: typeof LIVE_PROTOCOL_VERSION = 1;

/** What a page asks the room for (the room cuts it down to what the member may see). */
export type LiveScope = LiveSubscription;

export type ParsedFrame =
  | { ok: true; frame: LiveServerFrame }
  /** `newer`: the server speaks a later version than this page: reload to get it. */
  | { ok: false; reason: 'json' | 'shape' | 'newer'; path?: string };

type Obj = Record<string, unknown>;
class Bad extends Error {
  constructor(readonly path: string) {
    super(path);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new Bad(path);
  return v;
}
function id(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length < 1 || v.length > 64) throw new Bad(path);
  return v;
}
function str(v: unknown, path: string, max = Number.POSITIVE_INFINITY): string {
  if (typeof v !== 'string' || v.length > max) throw new Bad(path);
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(path);
  return v;
}
/** Unix ms: a non-negative (safe) integer. */
function ms(v: unknown, path: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Bad(path);
  return v as number;
}
function nullable<T>(check: (v: unknown, path: string) => T) {
  return (v: unknown, path: string): T | null => (v === null ? null : check(v, path));
}
function oneOf<T extends string>(values: readonly T[]) {
  return (v: unknown, path: string): T => {
    if (!values.includes(v as T)) throw new Bad(path);
    return v as T;
  };
}
function array<T>(v: unknown, path: string, each: (item: unknown, path: string) => T): T[] {
  if (!Array.isArray(v)) throw new Bad(path);
  return v.map((item, i) => each(item, `${path}.${i}`));
}

// Core's lists, spelled out here (a runtime import would bring zod); the `satisfies` keeps
// them in step with core's types, the test with its schemas.
const COMMAND_STATUSES = [
  'pending',
  'sent',
  'acknowledged',
  'completed',
  'failed',
  'expired',
] as const satisfies readonly CommandStatus[];
const ALERT_CHANGES = ['opened', 'acknowledged', 'resolved', 'cleared'] as const;

function event(f: Obj): LiveEvent {
  switch (f.type) {
    case 'readings': {
      const latest: Record<string, { ts: number; value: number }> = {};
      for (const [metric, point] of Object.entries(obj(f.latest, 'latest'))) {
        const p = obj(point, `latest.${metric}`);
        latest[metric] = {
          ts: ms(p.ts, `latest.${metric}.ts`),
          value: num(p.value, `latest.${metric}.value`),
        };
      }
      if (f.coalesced !== undefined && typeof f.coalesced !== 'boolean') {
        throw new Bad('coalesced');
      }
      return {
        type: 'readings',
        deviceId: id(f.deviceId, 'deviceId'),
        facilityId: nullable(id)(f.facilityId, 'facilityId'),
        acceptedAt: ms(f.acceptedAt, 'acceptedAt'),
        latest,
        points: array(f.points, 'points', (p, path) => {
          const point = obj(p, path);
          const metric = str(point.metric, `${path}.metric`);
          if (metric.length === 0) throw new Bad(`${path}.metric`);
          return {
            metric,
            ts: ms(point.ts, `${path}.ts`),
            value: num(point.value, `${path}.value`),
          };
        }),
        ...(f.coalesced === undefined ? {} : { coalesced: f.coalesced }),
      };
    }
    case 'device_status':
      return {
        type: 'device_status',
        deviceId: id(f.deviceId, 'deviceId'),
        facilityId: nullable(id)(f.facilityId, 'facilityId'),
        status: oneOf(['online', 'offline'] as const)(f.status, 'status'),
        at: ms(f.at, 'at'),
      };
    case 'alert': {
      const a = obj(f.alert, 'alert');
      const version = a.version;
      if (!Number.isSafeInteger(version) || (version as number) < 1) throw new Bad('alert.version');
      return {
        type: 'alert',
        change: oneOf(ALERT_CHANGES)(f.change, 'change'),
        at: ms(f.at, 'at'),
        alert: {
          id: id(a.id, 'alert.id'),
          deviceId: id(a.deviceId, 'alert.deviceId'),
          facilityId: nullable(id)(a.facilityId, 'alert.facilityId'),
          kind: oneOf(['excursion', 'offline'] as const)(a.kind, 'alert.kind'),
          severity: oneOf(['info', 'warning', 'critical'] as const)(a.severity, 'alert.severity'),
          status: oneOf(['active', 'acknowledged', 'resolved'] as const)(a.status, 'alert.status'),
          title: str(a.title, 'alert.title'),
          metric: nullable(str)(a.metric, 'alert.metric'),
          startedAt: ms(a.startedAt, 'alert.startedAt'),
          endedAt: nullable(ms)(a.endedAt, 'alert.endedAt'),
          version: version as number,
        },
      };
    }
    case 'command_status': {
      const command = str(f.command, 'command', 64);
      if (command.length === 0) throw new Bad('command');
      const detail = f.detail === undefined ? undefined : nullable(str)(f.detail, 'detail');
      if (typeof detail === 'string' && detail.length > 500) throw new Bad('detail');
      return {
        type: 'command_status',
        commandId: id(f.commandId, 'commandId'),
        deviceId: id(f.deviceId, 'deviceId'),
        facilityId: nullable(id)(f.facilityId, 'facilityId'),
        command,
        status: oneOf(COMMAND_STATUSES)(f.status, 'status'),
        at: ms(f.at, 'at'),
        ...(detail === undefined ? {} : { detail }),
      };
    }
    default:
      throw new Bad('type');
  }
}

function frame(f: Obj): LiveServerFrame {
  const v = LIVE_VERSION;
  switch (f.type) {
    case 'hello':
      return {
        v,
        type: 'hello',
        tenantId: id(f.tenantId, 'tenantId'),
        role: str(f.role, 'role'),
        facilityIds:
          f.facilityIds === null ? null : array(f.facilityIds, 'facilityIds', (x, p) => id(x, p)),
        expiresAt: ms(f.expiresAt, 'expiresAt'),
        at: ms(f.at, 'at'),
      };
    case 'subscribed':
      return {
        v,
        type: 'subscribed',
        facilityIds:
          f.facilityIds === 'all' ? 'all' : array(f.facilityIds, 'facilityIds', (x, p) => id(x, p)),
        deviceIds: array(f.deviceIds, 'deviceIds', (x, p) => id(x, p)),
        expiresAt: ms(f.expiresAt, 'expiresAt'),
      };
    case 'error':
      return {
        v,
        type: 'error',
        code: oneOf(['invalid_message', 'invalid_token', 'forbidden'] as const)(f.code, 'code'),
        detail: str(f.detail, 'detail'),
        ...(f.path === undefined ? {} : { path: str(f.path, 'path') }),
      };
    case 'resync':
      return { v, type: 'resync', at: ms(f.at, 'at') };
    default: {
      const seq = ms(f.seq, 'seq');
      return { ...event(f), v, seq };
    }
  }
}

/**
 * One frame from the room, checked field by field. Anything else is refused with the path of
 * the first bad field; a frame of a later protocol version says so (the page should reload).
 */
export function parseServerFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'json' };
  }
  if (!isObj(raw)) return { ok: false, reason: 'shape', path: '' };
  if (typeof raw.v === 'number' && raw.v > LIVE_VERSION) return { ok: false, reason: 'newer' };
  if (raw.v !== LIVE_VERSION) return { ok: false, reason: 'shape', path: 'v' };
  try {
    return { ok: true, frame: frame(raw) };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, reason: 'shape', path: err.path };
    throw err;
  }
}

/** True for the frames that carry an event (they have a `seq` to acknowledge). */
export function isEventFrame(frame: LiveServerFrame): frame is LiveEventFrame {
  return 'seq' in frame;
}

/** The device and facility an event is about (core's eventTarget, without importing core). */
export function targetOf(event: LiveEvent): { deviceId: string; facilityId: string | null } {
  return event.type === 'alert' ? event.alert : event;
}
