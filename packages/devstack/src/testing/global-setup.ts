import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { TEMPLATE_DATABASE, type TestStack } from '@anythingiot/db/testing';
import type { TestProject } from 'vitest/node';
import { startDevstack } from '../devstack.js';

type Shared = { stack: Promise<TestStack>; users: number; stop: () => Promise<void> };
const KEY = Symbol.for('anythingiot.devstack.test');

/**
 * Starts one throwaway local cloud for the whole test run (every project shares it, hence the
 * process-wide handle), migrates a template database, and hands the addresses to test files.
 * Each test file then clones its own database from the template (see `createTestDatabase`).
 */
export default async function setup(project: TestProject) {
  const g = globalThis as { [KEY]?: Shared };
  if (!g[KEY]) {
    let stopStack = async () => {};
    const stack = (async (): Promise<TestStack> => {
      const dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-test-'));
      const devstack = await startDevstack({
        dataDir,
        persistent: false,
        fast: true,
        database: TEMPLATE_DATABASE,
        ports: { postgres: 0, neonProxy: 0, redis: 0, qstash: 0, catcher: 0 },
      });
      stopStack = async () => {
        await devstack.stop();
        await rm(dataDir, { recursive: true, force: true });
      };
      await migrateDatabase(devstack.postgres.url(TEMPLATE_DATABASE));
      return {
        postgresAdminUrl: devstack.postgres.url('postgres'),
        postgresUrlTemplate: devstack.postgres.url('__DB__'),
        env: devstack.env,
        secrets: devstack.secrets,
        urls: {
          redis: devstack.redis.url,
          qstash: devstack.qstash.url,
          catcher: devstack.catcher.url,
          neonProxy: devstack.neonProxy.url,
        },
      };
    })();
    g[KEY] = { stack, users: 0, stop: () => stopStack() };
  }
  const shared = g[KEY];
  shared.users++;
  project.provide('testStack', await shared.stack);
  return async () => {
    shared.users--;
    if (shared.users === 0) {
      delete g[KEY];
      await shared.stop();
    }
  };
}
