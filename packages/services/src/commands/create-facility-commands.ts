import {
  DomainError,
  isId,
  MAX_BULK_COMMAND_DEVICES,
  validateCommandInput,
} from '@anythingiot/core';
import { type Command, commandRepo, facilityRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { facilityNotFound } from '../facilities/facility-errors.js';
import { assertSameCommand, toNewCommand } from './create-command.js';
import { notifyCommands } from './notify-commands.js';

/**
 * The same command for every active device of a facility, in one transaction (all or none).
 * With an idempotency key, each device's command is keyed by it: a retried request returns the
 * commands the first one created and adds one only for a device that has none yet (e.g. one
 * registered in between). Revoked devices are skipped; a facility with none active gets none.
 */
export async function createFacilityCommands({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { facilityId: string } & Record<string, unknown>;
}): Promise<{ facilityId: string; commands: Command[]; created: number }> {
  const { facilityId, ...fields } = input;
  const command = validateCommandInput(fields);
  if (!isId('facility', facilityId)) throw facilityNotFound(facilityId);
  const facility = await facilityRepo(ctx.db, ctx.tenantId, ctx).get(facilityId);
  if (!facility) throw facilityNotFound(facilityId);
  const repo = commandRepo(ctx.db, ctx.tenantId, ctx);
  const deviceIds = await repo.activeDeviceIdsIn(facilityId, MAX_BULK_COMMAND_DEVICES + 1);
  if (deviceIds.length > MAX_BULK_COMMAND_DEVICES) {
    throw new DomainError(
      'LIMIT_EXCEEDED',
      `A facility command reaches at most ${MAX_BULK_COMMAND_DEVICES} devices; this facility has more. Send it per device.`,
      { reason: 'too_many_devices' },
    );
  }
  const results = await repo.create(
    deviceIds.map((id) => toNewCommand(id, command)),
    auditMeta(ctx),
    new Date(ctx.ports.now()),
    assertSameCommand,
  );
  const created = results.filter((r) => r.created).map((r) => r.command);
  await notifyCommands(ctx.ports, 'created', created);
  return { facilityId, commands: results.map((r) => r.command), created: created.length };
}
