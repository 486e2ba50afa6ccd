import {
  type DeviceRoomNamespace,
  deviceDownlink,
  type RoomNamespace,
  roomPublisher,
} from '@anythingiot/rooms/publisher';
import { depsFromEnv } from './compose.js';
import type { AppDeps } from './deps.js';
import { parseWorkerEnv } from './env.js';

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
