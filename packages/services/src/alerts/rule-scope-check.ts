import { DomainError, isId, type RuleScope } from '@anythingiot/core';
import { deviceRepo, facilityRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';

/** A rule may only watch this tenant's facilities and devices; others read as unknown. */
export async function assertScopeInTenant(ctx: TenantCtx, scope: RuleScope) {
  if (scope.kind === 'facility') {
    const ok =
      isId('facility', scope.facilityId) &&
      (await facilityRepo(ctx.db, ctx.tenantId).get(scope.facilityId));
    if (!ok) throw unknown('scope.facilityId', `No facility ${scope.facilityId} in this tenant.`);
  }
  if (scope.kind === 'device') {
    const ok =
      isId('device', scope.deviceId) &&
      (await deviceRepo(ctx.db, ctx.tenantId).get(scope.deviceId));
    if (!ok) throw unknown('scope.deviceId', `No device ${scope.deviceId} in this tenant.`);
  }
}

const unknown = (path: string, message: string) =>
  new DomainError('VALIDATION', message, {
    errors: [{ path, message: 'not found in this tenant' }],
  });

export const ruleNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No alert rule ${id} in this tenant.`, { reason: 'not_found' });
