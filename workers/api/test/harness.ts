import { newDeviceSecret, newId, parseKeyring, sealSecret } from '@anythingiot/core';
import { createTenant, deviceRepo } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { createApp } from '../src/app.js';
import { depsFromEnv } from '../src/compose.js';
import type { LogEvent } from '../src/deps.js';
import { parseWorkerEnv } from '../src/env.js';

export type TestApp = {
  app: ReturnType<typeof createApp>;
  db: TestDatabase;
  logs: LogEvent[];
};

/** The real app on a fresh database and the shared emulators, in Node. */
export async function createTestApp(
  label: string,
  envOverrides: Record<string, string> = {},
): Promise<TestApp> {
  const db = await createTestDatabase(label);
  return { db, ...appForEnv({ ...db.env, ...envOverrides }) };
}

/** The real app for a given Worker env (for tests that bring their own Postgres). */
export function appForEnv(env: Record<string, string>) {
  const logs: LogEvent[] = [];
  const app = createApp(
    depsFromEnv(parseWorkerEnv(env), {
      log: (event) => logs.push(event),
    }),
  );
  return { app, logs };
}

const SYSTEM = { type: 'system' as const, id: 'test' };

/** A new tenant with one registered device; returns the plaintext secret the device would hold. */
export async function registerDevice(db: TestDatabase, name = 'Vaccine fridge') {
  const tenant = await createTenant(db.handle.db, { name: 'Acme', slug: newId('request') }, SYSTEM);
  const keyring = await parseKeyring(db.env.SECRETS_KEYRING!);
  const secret = newDeviceSecret();
  const device = await deviceRepo(db.handle.db, tenant.id).create(
    { name },
    await sealSecret(keyring, secret),
    keyring.current,
    { actor: SYSTEM, requestId: null },
  );
  return { tenantId: tenant.id, deviceId: device.id, secret, keyring };
}
