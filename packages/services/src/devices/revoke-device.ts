import { DomainError, isId } from '@anythingiot/core';
import { type Device, deviceRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { credentialsChanged } from './credential-cache-invalidation.js';
import { deviceNotFound } from './device-errors.js';

/** Revokes a device and all its secrets; its next post is refused with 401 `revoked`. */
export async function revokeDevice({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}): Promise<Device> {
  if (!isId('device', input.id)) throw deviceNotFound(input.id);
  const result = await deviceRepo(ctx.db, ctx.tenantId, ctx).revoke(input.id, auditMeta(ctx));
  if (result === undefined) throw deviceNotFound(input.id);
  if (result === 'already_revoked') {
    throw new DomainError('CONFLICT', 'The device is already revoked.', {
      reason: 'already_revoked',
    });
  }
  await credentialsChanged(ctx, input.id);
  return result;
}
