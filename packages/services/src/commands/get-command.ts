import { isId } from '@anythingiot/core';
import { type Command, commandRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { commandNotFound } from './command-errors.js';

/** One command with its lifecycle, if the caller may see its device. */
export async function getCommand({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}): Promise<Command> {
  if (!isId('command', input.id)) throw commandNotFound(input.id);
  const command = await commandRepo(ctx.db, ctx.tenantId, ctx).get(input.id);
  if (!command) throw commandNotFound(input.id);
  return command;
}
