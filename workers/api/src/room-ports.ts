import { findDeviceAuth } from '@anythingiot/db';
import type { DeviceAuthenticator, DeviceRoomPorts } from '@anythingiot/rooms';
import { authenticateDevice, deviceCtx, storeBatch } from '@anythingiot/services';
import type { AppDeps } from './deps.js';
import { lazyDb } from './lib/lazy-db.js';
import { ingestPorts } from './service-ports.js';

/** Connect tokens are checked as ingest checks a post (same cache, window, replay guard, rate). */
export function connectAuthenticator(deps: AppDeps): DeviceAuthenticator {
  return async (input) => {
    const work = lazyDb(deps);
    try {
      return await authenticateDevice({
        ctx: { db: work.db, requestId: null, ports: ingestPorts(deps) },
        input,
      });
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
        return await storeBatch({
          ctx: { db: work.db, requestId, ports: ingestPorts(deps) },
          input: {
            device: {
              tenantId: device.tenantId,
              deviceId: device.deviceId,
              guard: { credentialId: device.credentialId, sealedSecret: device.sealedSecret },
            },
            text: body,
          },
        });
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
        ctx: deviceCtx({ db: () => handle.db, requestId, ports: ingestPorts(deps) }, device),
        close: () => handle.close().catch(() => {}),
      };
    },
    live: deps.live,
    log: (event) => deps.log(event),
    now: () => deps.now(),
  };
}
