import { foreignKey, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { alertRules } from './alert-rules.js';
import { tstz } from './columns.js';
import { ownedByDevice } from './readings.js';

/**
 * Where rule evaluation stands for one (device, rule): the newest reading's event time it has
 * applied. A batch at or before it is late and triggers a recompute of the affected window;
 * the rule version tells when the rule changed under an open excursion.
 */
export const excursionStates = pgTable(
  'excursion_states',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    ruleId: text('rule_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    lastTs: tstz('last_ts').notNull(),
  },
  (t) => [
    primaryKey({ name: 'excursion_states_pkey', columns: [t.deviceId, t.ruleId] }),
    ownedByDevice('excursion_states_device_fk', t),
    foreignKey({
      name: 'excursion_states_rule_fk',
      columns: [t.tenantId, t.ruleId],
      foreignColumns: [alertRules.tenantId, alertRules.id],
    }).onDelete('cascade'),
  ],
);
