import { newId } from '@anythingiot/core';
import type { Alert, NewAlert } from '@anythingiot/db';
import { createDevice } from '@anythingiot/services';
import { seedAlert } from '@anythingiot/services/testing';
import type { Company, Dashboard } from './harness';

/**
 * A device in facility `facility` of the company (registered by its owner) and an active alert
 * on it, as the evaluator raises it (services' `seedAlert`).
 */
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
  return seedAlert(t.database, company.tenantId, device, overrides);
}
