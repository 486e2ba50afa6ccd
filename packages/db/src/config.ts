import { z } from 'zod';
import type { DbConfig } from './client.js';

/**
 * The database part of the Worker's environment. Production sets only DATABASE_URL; the
 * devstack adds its proxy settings (WebSocket proxy, HTTP endpoint). Flags are 'true'/'false'
 * strings, never coerced booleans.
 */
export const DbEnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  NEON_WS_PROXY: z.string().min(1).optional(),
  /** Neon's SQL-over-HTTP endpoint; unset in production (the driver derives it from the host). */
  NEON_HTTP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  NEON_SECURE_WEBSOCKET: z.enum(['true', 'false']).default('true'),
  NEON_PIPELINE_CONNECT: z.enum(['password', 'false']).default('password'),
});
export type DbEnv = z.infer<typeof DbEnvSchema>;

/** Turns the parsed env into the client factory's options. */
export function dbConfigFromEnv(env: DbEnv): DbConfig {
  return {
    url: env.DATABASE_URL,
    wsProxy: env.NEON_WS_PROXY,
    httpEndpoint: env.NEON_HTTP_ENDPOINT,
    secureWebSocket: env.NEON_SECURE_WEBSOCKET === 'true',
    pipelineConnect: env.NEON_PIPELINE_CONNECT === 'false' ? false : 'password',
  };
}
