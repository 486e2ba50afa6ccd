import type { DevstackSecrets } from '../devstack.js';

/** The migrated database every test database is cloned from. */
export const TEMPLATE_DATABASE = 'anythingiot_template';

/** What the global setup hands to test files (must be serialisable). */
export type TestStack = {
  postgresAdminUrl: string;
  /** A Postgres URL with `__DB__` where the database name goes. */
  postgresUrlTemplate: string;
  /** The api Worker env for the template database; swap DATABASE_URL per test file. */
  env: Record<string, string>;
  secrets: DevstackSecrets;
  urls: { redis: string; qstash: string; catcher: string; neonProxy: string };
};
