import { withTimeout } from '@anythingiot/core';
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { App } from '../../app-type.js';
import type { AppDeps } from '../../deps.js';

const CHECK_TIMEOUT_MS = 2_000;
/**
 * How long one isolate reuses its last answer. The route is anonymous: without this every
 * request would open a Postgres connection, ping Redis and call QStash with our token.
 */
export const READY_CACHE_MS = 5_000;

const CheckSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
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

type Readiness = { status: 'ready' | 'unavailable'; checks: z.infer<typeof ReadySchema>['checks'] };

// Per isolate and per deps (tests build several apps in one process): the last answer and when
// it was probed, or the probe in flight, which concurrent requests share.
const cached = new WeakMap<AppDeps, { at: number; answer: Promise<Readiness> }>();

function readiness(deps: AppDeps): Promise<Readiness> {
  const hit = cached.get(deps);
  if (hit && deps.now() - hit.at < READY_CACHE_MS) return hit.answer;
  const answer = probeAll(deps);
  cached.set(deps, { at: deps.now(), answer });
  return answer;
}

async function probeAll(deps: AppDeps): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(PROBES).map(async ([name, probe]) => {
      const started = deps.now();
      try {
        await withTimeout(probe(deps), CHECK_TIMEOUT_MS, name);
        return [name, { status: 'up' as const, latencyMs: deps.now() - started }] as const;
      } catch (err) {
        // The reason is for operators (the log), never for an anonymous caller.
        deps.log({
          warning: 'readiness_check_down',
          check: name,
          error: err instanceof Error ? err.message.slice(0, 200) : String(err),
        });
        return [name, { status: 'down' as const, latencyMs: deps.now() - started }] as const;
      }
    }),
  );
  const checks = Object.fromEntries(entries) as Readiness['checks'];
  const allUp = entries.every(([, check]) => check.status === 'up');
  return { status: allUp ? 'ready' : 'unavailable', checks };
}

/**
 * GET /v1/health/ready — each dependency with its latency; 503 naming whichever is down (no
 * backend error text). Probed at most once per READY_CACHE_MS per isolate.
 */
export function registerHealthReady(app: App) {
  app.openapi(route, async (c) => {
    const answer = await readiness(c.var.deps);
    c.header('cache-control', 'no-store');
    return answer.status === 'ready'
      ? c.json({ status: 'ready' as const, checks: answer.checks }, 200)
      : c.json({ status: 'unavailable' as const, checks: answer.checks }, 503);
  });
}
