import { withTimeout } from '@anythingiot/core';
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { App } from '../../app-type.js';
import type { AppDeps } from '../../deps.js';

const CHECK_TIMEOUT_MS = 2_000;

const CheckSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
});
const ReadySchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({ postgres: CheckSchema, redis: CheckSchema, qstash: CheckSchema }),
  })
  .openapi('Readiness');

const route = createRoute({
  method: 'get',
  path: '/v1/health/ready',
  tags: ['health'],
  summary: 'Readiness: every dependency answers',
  responses: {
    200: {
      description: 'All dependencies up',
      content: { 'application/json': { schema: ReadySchema } },
    },
    503: {
      description: 'A dependency is down',
      content: { 'application/json': { schema: ReadySchema } },
    },
  },
});

type Probe = (deps: AppDeps) => Promise<unknown>;

const PROBES: Record<'postgres' | 'redis' | 'qstash', Probe> = {
  async postgres(deps) {
    // A fresh connection each time: a cached one would hide a database that just went away.
    const handle = deps.openDb();
    try {
      await handle.db.execute(sql`select 1`);
    } finally {
      await handle.close().catch(() => {});
    }
  },
  redis: (deps) => deps.redis.ping(),
  // Listing schedules is free, needs a valid token, and creates nothing.
  qstash: (deps) => deps.qstash.schedules.list(),
};

/** GET /v1/health/ready — each dependency with its latency; 503 naming whichever is down. */
export function registerHealthReady(app: App) {
  app.openapi(route, async (c) => {
    const deps = c.var.deps;
    const entries = await Promise.all(
      Object.entries(PROBES).map(async ([name, probe]) => {
        const started = deps.now();
        try {
          await withTimeout(probe(deps), CHECK_TIMEOUT_MS, name);
          return [name, { status: 'up' as const, latencyMs: deps.now() - started }] as const;
        } catch (err) {
          // The reason helps an operator; it names no secret (URLs and tokens are not in it).
          const error = err instanceof Error ? err.message.slice(0, 200) : 'unreachable';
          return [
            name,
            { status: 'down' as const, latencyMs: deps.now() - started, error },
          ] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries) as z.infer<typeof ReadySchema>['checks'];
    const allUp = entries.every(([, check]) => check.status === 'up');
    c.header('cache-control', 'no-store');
    return allUp
      ? c.json({ status: 'ready' as const, checks }, 200)
      : c.json({ status: 'unavailable' as const, checks }, 503);
  });
}
