import { DomainError, isId, type RuleScope } from '@anythingiot/core';
import { deviceRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { deviceNotFound } from '../devices/device-errors.js';
import { assertFacilityInScope } from '../devices/facility-check.js';
import { facilityLimited } from '../facilities/facility-errors.js';

/**
 * A rule may only watch facilities and devices the caller can see: for an unlimited caller
 * others are a field error, for a caller limited to facilities they are NOT_FOUND (as if they
 * did not exist). A limited caller cannot set a tenant-wide rule: it would judge facilities
 * outside its scope.
 */
export async function assertScopeInTenant(ctx: TenantCtx, scope: RuleScope) {
  if (scope.kind === 'tenant') {
    if (ctx.facilityIds === null) return;
    throw facilityLimited('A tenant-wide rule');
  }
  if (scope.kind === 'facility') {
    await assertFacilityInScope(ctx, scope.facilityId, 'scope.facilityId');
    return;
  }
  const ok =
    isId('device', scope.deviceId) &&
    (await deviceRepo(ctx.db, ctx.tenantId, ctx).get(scope.deviceId));
  if (ok) return;
  if (ctx.facilityIds !== null) throw deviceNotFound(scope.deviceId);
  throw new DomainError('VALIDATION', `No device ${scope.deviceId} in this tenant.`, {
    errors: [{ path: 'scope.deviceId', message: 'not found in this tenant' }],
  });
}

export const ruleNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `No alert rule ${id} in this tenant.`, { reason: 'not_found' });
