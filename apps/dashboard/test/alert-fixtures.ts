import { newId } from '@anythingiot/core';
import { type Alert, type Database, insertAlert, type NewAlert } from '@anythingiot/db';
import { createDevice } from '@anythingiot/services';
import type { Company, Dashboard } from './harness';

/** A device in facility `index` of the company (registered by its owner) and an alert on it. */
export async function seedDeviceAlert(
  t: Dashboard,
  company: Company,
  facility: 0 | 1,
  overrides: Partial<NewAlert> = {},
): Promise<Alert> {
  const ctx = t.ctxFor(company.members.owner, company);
  const { device } = await createDevice({
    ctx,
    input: {
      name: `Fridge ${newId('request').slice(-5)}`,
      facilityId: company.facilityIds[facility],
    },
  });
  return seedAlert(t.db, company.tenantId, device, overrides);
}

/** An active alert as the evaluator raises it (with its "raised" timeline and audit entries). */
export async function seedAlert(
  db: Database,
  tenantId: string,
  device: { id: string; facilityId: string | null },
  overrides: Partial<NewAlert> = {},
): Promise<Alert> {
  const startedAt = new Date(Date.now() - 20 * 60_000);
  const alert: NewAlert = {
    id: newId('alert'),
    deviceId: device.id,
    facilityId: device.facilityId,
    kind: 'excursion',
    ruleId: null,
    excursionId: null,
    metric: 'temperature',
    severity: 'critical',
    title: 'Fridge: temperature above 8 °C for 15 min',
    startedAt,
    endedAt: null,
    alertAt: new Date(startedAt.getTime() + 15 * 60_000),
    retrospective: false,
    dataGap: false,
    peak: 9.1,
    ...overrides,
  };
  const meta = { actor: { type: 'system' as const, id: 'alert-evaluator' }, requestId: null };
  const row = await db.transaction((tx) => insertAlert(tx, tenantId, alert, meta));
  if (!row) throw new Error('alert not inserted');
  return row;
}
