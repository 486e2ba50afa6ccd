import { sql } from 'drizzle-orm';
import type { Executor } from './audit.js';

// The sweep's queries run across tenants on purpose: it is the platform's own safety net (a
// QStash cron), never reachable with a tenant credential, and every row it returns carries its
// tenant so all follow-up work is tenant-scoped again.

const GRACE = sql`interval '30 seconds'`;

/** Alerts raised a while ago whose escalation was never handed to QStash. */
export async function alertsAwaitingNotify(db: Executor, limit: number) {
  const { rows } = await db.execute<{ id: string; tenant_id: string }>(
    sql`select id, tenant_id from alerts
        where notify_started_at is null and status <> 'resolved' and raised_at < now() - ${GRACE}
        order by raised_at limit ${limit}`,
  );
  return rows.map((r) => ({ alertId: r.id, tenantId: r.tenant_id }));
}

/** Open, not yet alerted excursions whose due check should have run by now. */
export async function overdueExcursionChecks(db: Executor, limit: number) {
  const { rows } = await db.execute<{ id: string; tenant_id: string }>(
    sql`select e.id, e.tenant_id from excursions e
        join alert_rules r on r.tenant_id = e.tenant_id and r.id = e.rule_id
        where e.end_ts is null and e.alert_id is null and r.duration_seconds > 0
          and r.archived_at is null and r.enabled
          and e.start_ts + make_interval(secs => r.duration_seconds) < now() - ${GRACE}
        order by e.start_ts limit ${limit}`,
  );
  return rows.map((r) => ({ excursionId: r.id, tenantId: r.tenant_id }));
}

/**
 * Active devices silent for longer than expected interval × factor (server receipt time) with
 * no ongoing offline alert. A device that never reported is not offline: it never started.
 */
export async function silentDevices(db: Executor, factor: number, limit: number) {
  const { rows } = await db.execute<{ id: string; tenant_id: string; last_seen_at: string | Date }>(
    sql`select d.id, d.tenant_id, d.last_seen_at from devices d
        where d.status = 'active' and d.last_seen_at is not null
          and d.last_seen_at < now() - make_interval(secs => d.expected_interval_seconds * ${factor}::float8)
          and not exists (select 1 from alerts a where a.device_id = d.id and a.kind = 'offline'
                           and a.status <> 'resolved' and a.ended_at is null)
        order by d.last_seen_at limit ${limit}`,
  );
  return rows.map((r) => ({
    deviceId: r.id,
    tenantId: r.tenant_id,
    lastSeenAt: new Date(r.last_seen_at),
  }));
}
