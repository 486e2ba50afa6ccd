// The test-side half of the contract with the global setup (`packages/devstack/src/testing/
// global-setup.ts`), which starts one local cloud per run and hands its addresses over. It lives
// here, below the devstack, so db's and accounts' tests can use it without depending on the
// devstack that depends on them (the harness sits beside what it starts, not under it).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { DbHandle } from '../client.js';
import { createNodeDb } from '../node.js';

/** The migrated database every test database is cloned from. */
export const TEMPLATE_DATABASE = 'anythingiot_template';

/** What the global setup hands to test files (must be serialisable). */
export type TestStack = {
  postgresAdminUrl: string;
  /** A Postgres URL with `__DB__` where the database name goes. */
  postgresUrlTemplate: string;
  /** The api Worker env for the template database; swap DATABASE_URL per test file. */
  env: Record<string, string>;
  /** The devstack's generated secrets (tokens, signing keys), by name. */
  secrets: Record<string, string>;
  urls: { redis: string; qstash: string; catcher: string; neonProxy: string };
};

declare module 'vitest' {
  export interface ProvidedContext {
    testStack: TestStack;
  }
}

/** The shared local cloud of this test run. */
export function testStack(): TestStack {
  return inject('testStack');
}

export type TestDatabase = {
  name: string;
  /** TCP URL (pg), e.g. for tools. */
  url: string;
  /** The api Worker env pointing at this database. */
  env: Record<string, string>;
  /** drizzle over the Neon driver through the proxy: the production client path. */
  handle: DbHandle;
  drop(): Promise<void>;
};

/**
 * A fresh, migrated database for one test file, cloned from the template (tens of ms), so
 * tests never share rows or depend on order.
 */
export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  const stack = testStack();
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: stack.postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  const url = stack.postgresUrlTemplate.replace('__DB__', name);
  const env = { ...stack.env, DATABASE_URL: url };
  const handle = createNodeDb(env);
  return {
    name,
    url,
    env,
    handle,
    async drop() {
      await handle.close();
      const client = new pg.Client({ connectionString: stack.postgresAdminUrl });
      await client.connect();
      await client
        .query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
        .finally(() => client.end());
    },
  };
}

/** An email the devstack's catcher caught instead of sending it. */
export type CaughtEmail = {
  id: string;
  kind: 'email';
  createdAt: string;
  payload: { to: string[]; subject: string; text: string | null; html: string | null };
};

/** Emails the shared stack's catcher holds for an address, newest first (its JSON API). */
export async function mailTo(to: string): Promise<CaughtEmail[]> {
  const url = new URL('/api/messages', testStack().urls.catcher);
  url.searchParams.set('kind', 'email');
  url.searchParams.set('to', to);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`catcher answered ${res.status}`);
  return ((await res.json()) as { data: CaughtEmail[] }).data;
}
