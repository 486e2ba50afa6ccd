import { signDeviceRequest } from '@anythingiot/core';
import { facilityRepo } from '@anythingiot/db';
import type { TestDatabase } from '@anythingiot/devstack/testing';
import { call } from './tenant-fixtures.js';

type Requester = { request(path: string, init: RequestInit): Response | Promise<Response> };

/** A device registered through the api (so it holds a real secret), in the given facility. */
export async function apiDevice(
  app: Requester,
  key: string,
  input: { name?: string; facilityId?: string | null } = {},
) {
  const res = await call(app, key, 'POST', '/v1/devices', { name: 'Fridge', ...input });
  if (res.status !== 201) throw new Error(`device not created: ${res.status} ${await res.text()}`);
  const { device, secret } = (await res.json()) as { device: { id: string }; secret: string };
  return { deviceId: device.id, secret };
}

/** A facility of the tenant, straight through the repository (the api has no facility routes). */
export async function seedFacility(db: TestDatabase, tenantId: string, name = 'Berlin') {
  return facilityRepo(db.handle.db, tenantId).create(
    { name },
    { actor: { type: 'system', id: 'test' }, requestId: null },
  );
}

/** A request signed as the device signs: X-Signature = hex HMAC(secret, body + timestamp). */
export async function signedPost(
  app: Requester,
  device: { deviceId: string; secret: string },
  path: string,
  body: string,
  options: { timestamp?: string; signature?: string } = {},
) {
  const timestamp = options.timestamp ?? String(Date.now());
  const signature = options.signature ?? (await signDeviceRequest(device.secret, body, timestamp));
  return app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': device.deviceId,
      'x-timestamp': timestamp,
      'x-signature': signature,
    },
    body,
  });
}

/** One reading a second ago, as a device posts it. */
export const oneReading = (temperature = 4.2) =>
  JSON.stringify({
    readings: [{ ts: new Date(Date.now() - 1_000).toISOString(), temperature }],
  });
