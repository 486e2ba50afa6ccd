import { newDeviceSecret, sealSecret } from '@anythingiot/core';
import { type Device, deviceRepo, type NewDevice } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { assertFacilityInScope } from './facility-check.js';

/**
 * Registers a device and issues its first secret. The plaintext secret exists only in this
 * answer: it is stored sealed with the keyring and never shown again. A caller limited to
 * facilities registers into one of its own (another answers NOT_FOUND).
 */
export async function createDevice({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: NewDevice;
}): Promise<{ device: Device; secret: string }> {
  await assertFacilityInScope(ctx, input.facilityId);
  const keyring = await ctx.ports.keyring();
  const secret = newDeviceSecret();
  const device = await deviceRepo(ctx.db, ctx.tenantId).create(
    input,
    await sealSecret(keyring, secret),
    keyring.current,
    auditMeta(ctx),
  );
  return { device, secret };
}
