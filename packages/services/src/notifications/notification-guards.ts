/** The notification use cases' shared refusals and the checks that raise them. */
import { DomainError, type FieldError } from '@anythingiot/core';
import { recipientRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { facilityLimited } from '../facilities/facility-errors.js';

/** Another tenant's resource, a malformed id and a missing one all answer the same. */
export const notFound = (what: string, id: string) =>
  new DomainError('NOT_FOUND', `No ${what} ${id} in this tenant.`, { reason: 'not_found' });

/** Input that is well-formed but names things this tenant does not have. */
export const invalidFields = (errors: FieldError[]) =>
  new DomainError('VALIDATION', 'The request has invalid fields.', { errors });

/**
 * Policies, webhook endpoints and deliveries span every facility (a policy names users and
 * endpoints tenant-wide; a delivery list covers every alert): only a caller who sees every
 * facility may read or change them. API keys always do; a dashboard member limited to
 * facilities gets `FORBIDDEN` `facility_limited`, as for the audit log.
 */
export function requireWholeTenant(ctx: TenantCtx, what: string) {
  if (ctx.facilityIds !== null) throw facilityLimited(what);
}

/** A user of this tenant; anyone else (another tenant's user, a made-up id) is a 404. */
export async function assertActiveMember(ctx: TenantCtx, userId: string) {
  if (!(await recipientRepo(ctx.db, ctx.tenantId).isActiveMember(userId))) {
    throw notFound('user', userId);
  }
}
