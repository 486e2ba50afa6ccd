import { findDeviceAuth } from '@anythingiot/db';
import type { DeviceAuthenticator, DeviceRoomPorts } from '@anythingiot/rooms';
import { deviceCtx } from './commands/device-ctx.js';
import type { AppDeps } from './deps.js';
import { authenticateDevice, storeBatch } from './ingest/ingest.js';
import { lazyDb } from './lib/lazy-db.js';

/** Connect tokens are checked as ingest checks a post (same cache, window, replay guard, rate). */
export function connectAuthenticator(deps: AppDeps): DeviceAuthenticator {
  return async (input) => {
    const work = lazyDb(deps);
    try {
      return await authenticateDevice(deps, work.db, input);
    } finally {
      await work.close();
    }
  };
}

/** The device room's ports, from the api's deps (the room's Durable Object builds them once). */
export function deviceRoomPorts(deps: AppDeps): DeviceRoomPorts {
  return {
    async ingest(device, body, requestId) {
      // Opened only when the batch needs more than the one HTTP-mode statement (rules, a miss).
      const work = lazyDb(deps);
      try {
        return await storeBatch(
          deps,
          work.db,
          {
            tenantId: device.tenantId,
            deviceId: device.deviceId,
            guard: { credentialId: device.credentialId, sealedSecret: device.sealedSecret },
          },
          body,
          requestId,
        );
      } finally {
        await work.close();
      }
    },
    async credentialStatus(device) {
      // From Postgres, not ingest's caches: this is the check that must see a revocation or a
      // rotation that committed a moment ago (one indexed read; only valid secrets come back).
      const work = lazyDb(deps);
      try {
        const auth = await findDeviceAuth(work.db(), device.deviceId);
        if (!auth || auth.tenantId !== device.tenantId || auth.status === 'revoked') {
          return 'revoked';
        }
        return auth.credentials.some((c) => c.id === device.credentialId) ? 'valid' : 'retired';
      } finally {
        await work.close();
      }
    },
    deviceCtx(device, requestId) {
      const handle = deps.openDb();
      return {
        ctx: deviceCtx(deps, handle.db, device, requestId),
        close: () => handle.close().catch(() => {}),
      };
    },
    live: deps.live,
    log: (event) => deps.log(event),
    now: () => deps.now(),
  };
}
