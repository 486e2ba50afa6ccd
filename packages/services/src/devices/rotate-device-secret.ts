import { DomainError, isId, newDeviceSecret, sealSecret } from '@anythingiot/core';
import { deviceRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { credentialsChanged } from './credential-cache-invalidation.js';
import { deviceNotFound } from './device-errors.js';

/**
 * Issues a new secret, shown once. The previous one keeps verifying for `graceSeconds` so a
 * fleet can be re-provisioned without losing data; 0 retires it at once.
 */
export async function rotateDeviceSecret({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; graceSeconds: number };
}): Promise<{ secret: string; previousSecretValidUntil: Date }> {
  if (!isId('device', input.id)) throw deviceNotFound(input.id);
  const repo = deviceRepo(ctx.db, ctx.tenantId, ctx);
  const device = await repo.get(input.id);
  if (!device) throw deviceNotFound(input.id);
  if (device.status === 'revoked') {
    throw new DomainError('CONFLICT', 'A revoked device cannot get a new secret.', {
      reason: 'device_revoked',
    });
  }
  const keyring = await ctx.ports.keyring();
  const secret = newDeviceSecret();
  const rotated = await repo.rotateSecret(
    input.id,
    await sealSecret(keyring, secret),
    keyring.current,
    input.graceSeconds,
    auditMeta(ctx),
  );
  // Revoked between the read and the rotation.
  if (!rotated) {
    throw new DomainError('CONFLICT', 'A revoked device cannot get a new secret.', {
      reason: 'device_revoked',
    });
  }
  await credentialsChanged(ctx, input.id);
  return {
    secret,
    previousSecretValidUntil: new Date(ctx.ports.now() + input.graceSeconds * 1_000),
  };
}
