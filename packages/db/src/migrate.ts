import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** The repository's migrations folder (SQL written by drizzle-kit, applied in order). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

/**
 * Applies pending migrations over a plain TCP connection (Neon accepts those too), so the
 * same command migrates the laptop and production. Node-only: a tool, not Worker code.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Keep NOTICEs ("relation already exists, skipping") out of the output.
    await client.query('SET client_min_messages = warning');
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.end();
  }
}
