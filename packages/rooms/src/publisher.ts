import type { LiveEvent, LivePublisher } from '@anythingiot/core';
import type { DeviceDownlink } from '@anythingiot/services';

// The ports' production implementations, reaching the rooms by Durable Object RPC. This module
// loads nothing of partyserver (the namespaces are typed structurally), so the dashboard Worker,
// which binds the api Worker's rooms through `script_name`, and Node code can import it.

/** The tenant rooms' RPC surface (a Durable Object namespace binding, structurally). */
export type RoomNamespace<Id = unknown> = {
  idFromName(name: string): Id;
  get(id: Id): { publish(events: readonly LiveEvent[]): Promise<unknown> };
};

/**
 * The production publisher: one Durable Object RPC to the tenant's room per publish. Never
 * throws — a failure is logged, because live updates must never fail the write behind them.
 */
export function roomPublisher<Id>(
  namespace: RoomNamespace<Id>,
  log: (event: Record<string, unknown>) => void,
): LivePublisher {
  return {
    async publish(tenantId: string, events: readonly LiveEvent[]) {
      if (events.length === 0) return;
      try {
        await namespace.get(namespace.idFromName(tenantId)).publish(events);
      } catch (err) {
        log({
          warning: 'live_publish_failed',
          tenantId,
          events: events.length,
          error: String(err),
        });
      }
    },
  };
}

/** The device rooms' RPC surface (structurally, as above). */
export type DeviceRoomNamespace<Id = unknown> = {
  idFromName(name: string): Id;
  get(id: Id): { deliver(): Promise<number>; credentialsChanged(): Promise<number> };
};

/**
 * The downlink: asks a device's room (named by device id) to push what is due now, or to
 * re-check its sockets' credentials after a rotation or revocation.
 */
export function deviceDownlink<Id>(namespace: DeviceRoomNamespace<Id>): DeviceDownlink {
  return {
    async deliver(deviceId) {
      await namespace.get(namespace.idFromName(deviceId)).deliver();
    },
    async credentialsChanged(deviceId) {
      await namespace.get(namespace.idFromName(deviceId)).credentialsChanged();
    },
  };
}
