// How live events change a device as the facility and device pages show it: newest values by
// event time, "last seen" by the api's receive time, connectivity by the rule the server uses
// (a device that reports is online unless revoked; offline comes from the server's status
// event), and the readings that arrived since the page loaded, for its charts; a command's
// status by its lifecycle, forward only. Folding an event twice changes nothing (pages fold
// recent events again into fresh loader data).

import type { CommandStatus } from '@anythingiot/core';
import type { Connectivity } from '@anythingiot/services';
import type { LiveEvent } from './protocol';
import { newerLatest, type Stamped } from './series';

/** What a page holds of a device, in stored units (°C, %RH, door 1/0, W). */
export type LiveDevice = {
  id: string;
  connectivity: Connectivity;
  /** ISO time the api last received data from it. */
  lastSeenAt: string | null;
  /** Newest value and event time per metric. */
  latest: Readonly<Record<string, Stamped>>;
  /** Readings received live, per metric, in event-time order, each once. */
  arrived?: Readonly<Record<string, readonly Stamped[]>>;
};

/** Most live readings kept per metric (a page left open for days keeps its last ones). */
const KEEP = 5_000;

/** One device after `event` (the same object when the event is not about it). */
export function foldDevice<T extends LiveDevice>(device: T, event: LiveEvent): T {
  if (event.type === 'device_status') {
    if (event.deviceId !== device.id || device.connectivity === 'revoked') return device;
    return device.connectivity === event.status
      ? device
      : { ...device, connectivity: event.status };
  }
  if (event.type !== 'readings' || event.deviceId !== device.id) return device;
  const latest = newerLatest(device.latest, event);
  const arrived = { ...(device.arrived ?? {}) };
  for (const p of event.points) {
    const held = arrived[p.metric] ?? [];
    if (held.some((h) => h.ts === p.ts)) continue;
    const next = [...held, { ts: p.ts, value: p.value }].sort((a, b) => a.ts - b.ts);
    arrived[p.metric] = next.length > KEEP ? next.slice(-KEEP) : next;
  }
  const seen = new Date(event.acceptedAt).toISOString();
  return {
    ...device,
    latest,
    arrived,
    lastSeenAt: device.lastSeenAt && device.lastSeenAt > seen ? device.lastSeenAt : seen,
    // The server's rule: reporting within the interval with no offline alert open. A reading
    // closes an open offline alert (and the server says so); a revoked device stays revoked.
    connectivity: device.connectivity === 'revoked' ? 'revoked' : 'online',
  };
}

/** Every device of a list after `event`. */
export function foldDevices<T extends LiveDevice>(devices: readonly T[], event: LiveEvent): T[] {
  let changed = false;
  const next = devices.map((d) => {
    const folded = foldDevice(d, event);
    if (folded !== d) changed = true;
    return folded;
  });
  return changed ? next : (devices as T[]);
}

/** What a page holds of a command (times as ISO strings, as loaders send them). */
export type LiveCommand = {
  id: string;
  status: CommandStatus;
  sentAt: string | null;
  lastSentAt: string | null;
  acknowledgedAt: string | null;
  finishedAt: string | null;
  deliveryCount: number;
  result: string | null;
  error: string | null;
};

/** How far along the lifecycle each status is (the three ends are equally final). */
const COMMAND_STEP: Readonly<Record<CommandStatus, number>> = {
  pending: 0,
  sent: 1,
  acknowledged: 2,
  completed: 3,
  failed: 3,
  expired: 3,
};

/**
 * One command after `event`: its status only ever moves forward (an event that arrives late,
 * or is folded again into fresh data, changes nothing), with the time of the step and the
 * device's answer or error. Redeliveries and exact counts come with the page's next read.
 */
export function foldCommand<T extends LiveCommand>(command: T, event: LiveEvent): T {
  if (event.type !== 'command_status' || event.commandId !== command.id) return command;
  if (COMMAND_STEP[event.status] <= COMMAND_STEP[command.status]) return command;
  const at = new Date(event.at).toISOString();
  const next = { ...command, status: event.status };
  switch (event.status) {
    case 'pending':
      return command;
    case 'sent':
      return {
        ...next,
        sentAt: command.sentAt ?? at,
        lastSentAt: at,
        deliveryCount: Math.max(command.deliveryCount, 1),
      };
    case 'acknowledged':
      return { ...next, acknowledgedAt: at };
    case 'completed':
      return { ...next, finishedAt: at, result: event.detail ?? command.result };
    case 'failed':
      return { ...next, finishedAt: at, error: event.detail ?? command.error };
    case 'expired':
      return { ...next, finishedAt: at };
  }
}

/** Every command of a list after `event` (the same array when none changed). */
export function foldCommands<T extends LiveCommand>(commands: readonly T[], event: LiveEvent): T[] {
  let changed = false;
  const next = commands.map((c) => {
    const folded = foldCommand(c, event);
    if (folded !== c) changed = true;
    return folded;
  });
  return changed ? next : (commands as T[]);
}
