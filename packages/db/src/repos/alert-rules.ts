import {
  type Actor,
  type AlertRule,
  type AlertRuleInput,
  newId,
  type RuleCondition,
  type RuleSchedule,
  type RuleScope,
} from '@anythingiot/core';
import { and, asc, eq, inArray, isNull, ne, or, type SQL } from 'drizzle-orm';
import type { Database } from '../client.js';
import { alertRules, devices } from '../schema/index.js';
import { auditTrail } from './audit.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

type Meta = { actor: Actor; requestId: string | null };
type Row = typeof alertRules.$inferSelect;

/** A stored rule: the validated input plus what the database adds. */
export type StoredAlertRule = AlertRule & {
  version: number;
  presetId: string | null;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
};

/** Row → rule. The jsonb columns only ever hold shapes validated by AlertRuleInputSchema. */
export function ruleFromRow(r: Row): StoredAlertRule {
  const scope: RuleScope =
    r.scopeKind === 'device'
      ? { kind: 'device', deviceId: r.deviceId ?? '' }
      : r.scopeKind === 'facility'
        ? { kind: 'facility', facilityId: r.facilityId ?? '' }
        : { kind: 'tenant' };
  return {
    id: r.id,
    name: r.name,
    scope,
    metric: r.metric,
    condition: r.condition as RuleCondition,
    durationSeconds: r.durationSeconds,
    deadband: r.deadband,
    severity: r.severity,
    schedule: (r.schedule as RuleSchedule | null) ?? null,
    enabled: r.enabled,
    version: r.version,
    presetId: r.presetId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    archivedAt: r.archivedAt,
  };
}

function columns(rule: AlertRuleInput) {
  return {
    name: rule.name,
    scopeKind: rule.scope.kind,
    facilityId: rule.scope.kind === 'facility' ? rule.scope.facilityId : null,
    deviceId: rule.scope.kind === 'device' ? rule.scope.deviceId : null,
    metric: rule.metric,
    condition: rule.condition,
    durationSeconds: rule.durationSeconds,
    deadband: rule.deadband,
    severity: rule.severity,
    schedule: rule.schedule,
    enabled: rule.enabled,
  };
}

/** What an audit entry shows of a rule (everything that changes how it judges). */
const auditView = (r: StoredAlertRule | AlertRuleInput) => ({
  name: r.name,
  scope: r.scope,
  metric: r.metric,
  condition: r.condition,
  durationSeconds: r.durationSeconds,
  deadband: r.deadband,
  severity: r.severity,
  schedule: r.schedule,
  enabled: r.enabled,
});

/**
 * The rules a facility scope reaches: those of its facilities, those of devices in its
 * facilities, and the tenant-wide ones (they judge the scope's devices too). Undefined when
 * unlimited.
 */
function rulesInScope(db: Database, tenantId: string, scope: FacilityScope): SQL | undefined {
  const devicesInScope = inFacilities(devices.facilityId, scope);
  if (!devicesInScope) return undefined;
  return or(
    eq(alertRules.scopeKind, 'tenant'),
    inFacilities(alertRules.facilityId, scope),
    inArray(
      alertRules.deviceId,
      db
        .select({ id: devices.id })
        .from(devices)
        .where(and(eq(devices.tenantId, tenantId), devicesInScope)),
    ),
  );
}

/**
 * A tenant's alert rules (and, given a facility scope, only those it reaches — see
 * `rulesInScope`); every statement carries the tenant and the scope in its WHERE. Writes never
 * reach a tenant-wide rule through a scope: a caller limited to some facilities cannot change
 * what every facility is judged by.
 */
export function alertRuleRepo(db: Database, tenantId: string, scope: FacilityScope = {}) {
  const audit = auditTrail(tenantId, 'alert_rule');
  const visible = rulesInScope(db, tenantId, scope);
  const writable =
    scope.facilityIds == null ? undefined : and(visible, ne(alertRules.scopeKind, 'tenant'));

  return {
    async get(id: string): Promise<StoredAlertRule | undefined> {
      const [row] = await db
        .select()
        .from(alertRules)
        .where(and(eq(alertRules.tenantId, tenantId), eq(alertRules.id, id), visible));
      return row && ruleFromRow(row);
    },

    async list(filter: {
      deviceId?: string;
      facilityId?: string;
      metric?: string;
      includeArchived?: boolean;
    }): Promise<StoredAlertRule[]> {
      const where: SQL[] = [eq(alertRules.tenantId, tenantId)];
      if (visible) where.push(visible);
      if (!filter.includeArchived) where.push(isNull(alertRules.archivedAt));
      if (filter.deviceId) where.push(eq(alertRules.deviceId, filter.deviceId));
      if (filter.facilityId) where.push(eq(alertRules.facilityId, filter.facilityId));
      if (filter.metric) where.push(eq(alertRules.metric, filter.metric));
      const rows = await db
        .select()
        .from(alertRules)
        .where(and(...where))
        .orderBy(asc(alertRules.createdAt), asc(alertRules.id));
      return rows.map(ruleFromRow);
    },

    create(rule: AlertRuleInput, presetId: string | null, meta: Meta): Promise<StoredAlertRule> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(alertRules)
          .values({
            id: newId('alertRule'),
            tenantId,
            ...columns(rule),
            presetId,
            createdBy: meta.actor.id,
          })
          .returning();
        if (!row) throw new Error('insert returned no row');
        await audit(tx, meta, 'alert_rule.create', row.id, null, auditView(rule), null);
        return ruleFromRow(row);
      });
    },

    /** Replaces the rule (version + 1), audited with before, after and the reason. */
    update(
      id: string,
      rule: AlertRuleInput,
      reason: string,
      meta: Meta,
    ): Promise<StoredAlertRule | undefined> {
      return db.transaction(async (tx) => {
        const [before] = await tx
          .select()
          .from(alertRules)
          .where(
            and(
              eq(alertRules.tenantId, tenantId),
              eq(alertRules.id, id),
              isNull(alertRules.archivedAt),
              writable,
            ),
          )
          .for('update');
        if (!before) return undefined;
        const [row] = await tx
          .update(alertRules)
          .set({ ...columns(rule), version: before.version + 1, updatedAt: new Date() })
          .where(and(eq(alertRules.tenantId, tenantId), eq(alertRules.id, id)))
          .returning();
        if (!row) return undefined;
        await audit(
          tx,
          meta,
          'alert_rule.update',
          id,
          auditView(ruleFromRow(before)),
          auditView(rule),
          reason,
        );
        return ruleFromRow(row);
      });
    },

    /** Archives (never deletes: alerts keep their rule); audited with the reason. */
    archive(id: string, reason: string, meta: Meta): Promise<StoredAlertRule | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(alertRules)
          .set({ archivedAt: new Date(), enabled: false, updatedAt: new Date() })
          .where(
            and(
              eq(alertRules.tenantId, tenantId),
              eq(alertRules.id, id),
              isNull(alertRules.archivedAt),
              writable,
            ),
          )
          .returning();
        if (!row) return undefined;
        await audit(
          tx,
          meta,
          'alert_rule.archive',
          id,
          { archivedAt: null },
          { archivedAt: row.archivedAt },
          reason,
        );
        return ruleFromRow(row);
      });
    },
  };
}
