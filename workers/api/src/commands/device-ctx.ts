import type { Database } from '@anythingiot/db';
import type { DeviceCtx } from '@anythingiot/services';
import type { AppDeps } from '../deps.js';
import type { AuthenticatedDevice } from '../ingest/ingest.js';
import { servicePorts } from '../service-ports.js';

/** The use-case context of a device whose signature (or connect token) verified. */
export const deviceCtx = (
  deps: AppDeps,
  db: Database,
  device: Pick<AuthenticatedDevice, 'tenantId' | 'deviceId'>,
  requestId: string | null,
): DeviceCtx => ({
  tenantId: device.tenantId,
  deviceId: device.deviceId,
  requestId,
  db,
  ports: servicePorts(deps),
});
