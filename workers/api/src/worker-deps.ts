import { type RoomNamespace, roomPublisher } from '@anythingiot/services';
import { depsFromEnv } from './compose.js';
import type { AppDeps, DeviceDownlink } from './deps.js';
import { parseWorkerEnv } from './env.js';

/** The device rooms' RPC surface (structural, so this module never loads partyserver). */
type DeviceRoomNamespace<Id = unknown> = {
  idFromName(name: string): Id;
  get(id: Id): { deliver(): Promise<number> };
};

/** Asks a device's room (binding `DEVICE`, named by device id) to push what is due. */
export function deviceDownlink<Id>(namespace: DeviceRoomNamespace<Id>): DeviceDownlink {
  return {
    async deliver(deviceId) {
      await namespace.get(namespace.idFromName(deviceId)).deliver();
    },
  };
}

const log = (event: Record<string, unknown>) => console.log(JSON.stringify(event));

/**
 * The api's deps inside workerd: the Worker entry and the room Durable Objects compose them the
 * same way, from the same bindings — tenant rooms to publish to, device rooms to push to.
 */
export function workerDeps(env: Record<string, unknown>): AppDeps {
  const deps = depsFromEnv(parseWorkerEnv(env), {
    live: roomPublisher(env.TENANT as RoomNamespace, log),
    log,
  });
  return { ...deps, downlink: deviceDownlink(env.DEVICE as DeviceRoomNamespace) };
}
