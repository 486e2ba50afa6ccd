import WebSocket from 'ws';
import { createDb, type DbHandle } from './client.js';
import { DbEnvSchema, dbConfigFromEnv } from './config.js';

/**
 * The production db client configured from a Worker-style env, for Node (tools, tests): Node 20
 * has no global WebSocket, so `ws` is passed in here and never reaches the Worker bundle.
 */
export function createNodeDb(env: Record<string, string | undefined>): DbHandle {
  return createDb({ ...dbConfigFromEnv(DbEnvSchema.parse(env)), webSocketConstructor: WebSocket });
}
