import {
  type Actor,
  type CommandEvent,
  type CommandReportBody,
  type CommandStatus,
  type DeliveredCommand,
  isDomainError,
  isId,
  resultOutcome,
  stepCommand,
} from '@anythingiot/core';
import { type Command, type CommandChange, deviceCommandRepo } from '@anythingiot/db';
import type { DeviceCtx } from '../context.js';
import { notifyCommands } from './notify-commands.js';

/** At most this many commands go out in one answer or on one connection. */
export const MAX_COMMANDS_PER_DELIVERY = 20;

const deviceMeta = (ctx: DeviceCtx) => ({
  actor: { type: 'device', id: ctx.deviceId } satisfies Actor,
  requestId: ctx.requestId,
});

/** A command as the device receives it. */
export const toDelivered = (c: Command): DeliveredCommand => ({
  id: c.id,
  type: c.type,
  payload: c.payload as Record<string, unknown>,
  expiresAt: c.expiresAt.toISOString(),
});

/**
 * What is due for the device now, marked sent: pending commands, and sent ones it has not
 * acknowledged — at once on a new room connection (`immediately`), else after the redelivery
 * pause. At least once: the device tells repeats apart by id.
 */
export async function claimCommands({
  ctx,
  input,
}: {
  ctx: DeviceCtx;
  input: { immediately: boolean };
}): Promise<Command[]> {
  const claimed = await deviceCommandRepo(ctx.db, ctx.tenantId, ctx.deviceId).claim(
    new Date(ctx.ports.now()),
    { immediately: input.immediately, limit: MAX_COMMANDS_PER_DELIVERY },
    deviceMeta(ctx),
  );
  // Only the first hand-over changes what a dashboard shows (pending → sent).
  const firstTime = claimed.filter((c) => c.deliveryCount === 1);
  await notifyCommands(ctx.ports, 'changed', firstTime);
  return claimed;
}

/** What one acknowledgement, result or progress report came to. */
export type CommandReportOutcome =
  | { commandId: string; ok: true; status: CommandStatus }
  | { commandId: string; ok: false; code: string; reason: string; message: string };

type Report = {
  commandId: string;
  event: CommandEvent;
  /** Fields the report carries besides the status (result, error, progress). */
  fields: CommandChange;
};

/**
 * The device's acknowledgements, results and progress, each judged on its own (like readings in
 * a batch): an unknown id, another device's command or a change the lifecycle forbids is
 * refused with a reason and writes nothing; the others apply. Repeats (a second ack, the same
 * result again) answer the current status and write nothing.
 */
export async function reportCommands({
  ctx,
  input,
}: {
  ctx: DeviceCtx;
  input: CommandReportBody;
}): Promise<CommandReportOutcome[]> {
  const reports: Report[] = [
    ...input.acks.map((commandId) => ({
      commandId,
      event: { type: 'acknowledge' } as const,
      fields: {},
    })),
    ...input.results.map((r) => ({
      commandId: r.commandId,
      event: { type: 'result', outcome: resultOutcome(r) } as const,
      fields: { response: r.response ?? null, error: r.error ?? null },
    })),
    ...input.progress.map((p) => ({
      commandId: p.commandId,
      event: { type: 'progress' } as const,
      fields: { progress: Math.round(p.progress) },
    })),
  ];
  const outcomes: CommandReportOutcome[] = [];
  const changed: Command[] = [];
  for (const report of reports) {
    const outcome = await applyReport(ctx, report);
    outcomes.push(outcome.result);
    if (outcome.changed) changed.push(outcome.changed);
  }
  await notifyCommands(ctx.ports, 'changed', changed);
  return outcomes;
}

async function applyReport(
  ctx: DeviceCtx,
  report: Report,
): Promise<{ result: CommandReportOutcome; changed?: Command }> {
  const { commandId } = report;
  const repo = deviceCommandRepo(ctx.db, ctx.tenantId, ctx.deviceId);
  // Two tries: a concurrent report over the other path may win the compare-and-set once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = isId('command', commandId) ? await repo.get(commandId) : undefined;
    if (!current) {
      return {
        result: {
          commandId,
          ok: false,
          code: 'not_found',
          reason: 'not_found',
          message: 'No such command for this device.',
        },
      };
    }
    const now = new Date(ctx.ports.now());
    let step: { status: CommandStatus; changed: boolean };
    try {
      step = stepCommand(current, report.event, now);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      return {
        result: {
          commandId,
          ok: false,
          code: 'conflict',
          reason: err.details.reason ?? 'conflict',
          message: err.message,
        },
      };
    }
    const fields = report.event.type === 'progress' ? report.fields : {};
    if (!step.changed && !('progress' in fields && fields.progress !== current.progress)) {
      return { result: { commandId, ok: true, status: current.status } };
    }
    const change: CommandChange = { ...fields, status: step.status };
    if (step.changed) {
      if (step.status === 'acknowledged' || !current.acknowledgedAt) change.acknowledgedAt = now;
      if (step.status === 'completed' || step.status === 'failed') {
        Object.assign(change, report.fields, { finishedAt: now });
      }
    }
    const after = await repo.transition(current, change, deviceMeta(ctx), now);
    if (after) {
      return {
        result: { commandId, ok: true, status: after.status },
        ...(after.status !== current.status ? { changed: after } : {}),
      };
    }
  }
  return {
    result: {
      commandId,
      ok: false,
      code: 'conflict',
      reason: 'concurrent_change',
      message: 'The command was changed meanwhile; send the report again.',
    },
  };
}
