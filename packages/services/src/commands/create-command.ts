import { type CommandInput, DomainError, isId, validateCommandInput } from '@anythingiot/core';
import { type Command, commandRepo, deviceRepo, type NewCommand } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { deviceNotFound } from '../devices/device-errors.js';
import { notifyCommands } from './notify-commands.js';

/** The same key sent again with another command is a caller bug: refuse it, change nothing. */
export function assertSameCommand(existing: Command, input: NewCommand) {
  const same =
    existing.type === input.type &&
    existing.ttlSeconds === input.ttlSeconds &&
    canonicalJson(existing.payload) === canonicalJson(input.payload);
  if (!same) {
    throw new DomainError(
      'CONFLICT',
      `The idempotency key was already used for a different command (${existing.id}) on this device.`,
      {
        reason: 'idempotency_key_reused',
        errors: [{ path: 'idempotencyKey', message: 'already used for a different command' }],
      },
    );
  }
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const toNewCommand = (deviceId: string, input: CommandInput): NewCommand => ({
  deviceId,
  type: input.type,
  payload: input.payload,
  ttlSeconds: input.ttlSeconds,
  idempotencyKey: input.idempotencyKey ?? null,
});

/**
 * Asks a device to do something. The same idempotency key for the same device returns the
 * command the first request created (`created: false`), so a retried request never sends a
 * device the same command twice. Audited; then announced (expiry scheduled, pushed to the
 * device if its room is connected, shown to dashboards).
 */
export async function createCommand({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { deviceId: string } & Record<string, unknown>;
}): Promise<{ command: Command; created: boolean }> {
  const { deviceId, ...fields } = input;
  const command = validateCommandInput(fields);
  if (!isId('device', deviceId)) throw deviceNotFound(deviceId);
  const device = await deviceRepo(ctx.db, ctx.tenantId, ctx).get(deviceId);
  if (!device) throw deviceNotFound(deviceId);
  if (device.status !== 'active') {
    throw new DomainError('CONFLICT', 'A revoked device cannot receive commands.', {
      reason: 'device_revoked',
    });
  }
  const [result] = await commandRepo(ctx.db, ctx.tenantId, ctx).create(
    [toNewCommand(deviceId, command)],
    auditMeta(ctx),
    new Date(ctx.ports.now()),
    assertSameCommand,
  );
  if (!result) throw new Error('no command created');
  if (result.created) await notifyCommands(ctx.ports, 'created', [result.command]);
  return result;
}
