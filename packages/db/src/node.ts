import { createDb, type DbHandle } from './client.js';
import { DbEnvSchema, dbConfigFromEnv } from './config.js';

/**
 * The production db client configured from a Worker-style env, for Node (tools, tests). Node 22
 * has a global WebSocket, which the driver uses as it does in workerd and Deno.
 */
export function createNodeDb(env: Record<string, string | undefined>): DbHandle {
  return createDb(dbConfigFromEnv(DbEnvSchema.parse(env)));
}
