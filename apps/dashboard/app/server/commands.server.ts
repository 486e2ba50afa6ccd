// Commands on the device and facility pages: the form's fields read into a standard command
// (core's list and payload rules), the rows the pages show, and the two actions. Handlers only
// parse and call the shared use cases (createCommand, createFacilityCommands), which audit each
// command and announce it (expiry, push to the device, live status).

import type { Problem } from '@anythingiot/accounts';
import {
  type CommandInput,
  DomainError,
  MAX_BULK_COMMAND_DEVICES,
  problemFromDomainError,
  STANDARD_COMMANDS,
  type StandardCommandType,
  standardCommandFromForm,
} from '@anythingiot/core';
import type { Command } from '@anythingiot/db';
import {
  countFacilityCommandTargets,
  createCommand,
  createFacilityCommands,
  listDeviceCommands,
  type TenantCtx,
} from '@anythingiot/services';
import { json } from '@remix-run/cloudflare';
import type { CommandRow } from '~/ui/commands';
import { formFailure, type Member } from './guard.server';
import { tenantCtx } from './tenant-ctx.server';

/** Commands listed on a device page (newest first); the rest are in the audit log. */
export const DEVICE_COMMANDS_SHOWN = 10;

/** How the TTL amount is counted; the form's unit select. */
export const TTL_UNITS = { seconds: 1, minutes: 60, hours: 3_600, days: 86_400 } as const;
type TtlUnit = keyof typeof TTL_UNITS;

/** What the command form needs from the loader (plain data: no core runtime in the browser). */
export function commandFormData() {
  return {
    types: STANDARD_COMMANDS,
    units: Object.keys(TTL_UNITS) as TtlUnit[],
    /**
     * This render's idempotency key: a form submitted twice (a double click, a resubmitted
     * request) makes one command; the next render has a new key.
     */
    key: crypto.randomUUID(),
  };
}

/**
 * The command a form describes: `type`, `payload.<field>`, `ttlAmount` × `ttlUnit` and the
 * hidden `idempotencyKey`. Every bad field at once (VALIDATION → 422); the TTL's error is on
 * `ttlAmount`, the field a person types in.
 */
export function commandFromForm(form: FormData): CommandInput & { type: StandardCommandType } {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const payload: Record<string, string> = {};
  for (const [name, value] of form) {
    if (name.startsWith('payload.') && typeof value === 'string') {
      payload[name.slice('payload.'.length)] = value;
    }
  }
  const unit = text('ttlUnit');
  const amount = text('ttlAmount').trim();
  const errors: { path: string; message: string }[] = [];
  let ttlSeconds: number | undefined;
  if (!Object.hasOwn(TTL_UNITS, unit)) {
    errors.push({ path: 'ttlUnit', message: 'choose seconds, minutes, hours or days' });
  } else if (amount === '') {
    errors.push({ path: 'ttlAmount', message: 'required' });
  } else if (!/^\d+(\.\d+)?$/.test(amount)) {
    errors.push({ path: 'ttlAmount', message: 'must be a positive number' });
  } else {
    ttlSeconds = Number(amount) * TTL_UNITS[unit as TtlUnit];
  }
  const key = text('idempotencyKey');
  try {
    const command = standardCommandFromForm({
      type: text('type'),
      payload,
      ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
      ...(key ? { idempotencyKey: key } : {}),
    });
    if (errors.length > 0) throw invalid(errors);
    return command;
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
    const all = [
      ...errors,
      ...(err.details.errors ?? []).map((e) =>
        e.path === 'ttlSeconds' ? { ...e, path: 'ttlAmount' } : e,
      ),
    ];
    throw invalid(all.filter((e, i) => all.findIndex((o) => o.path === e.path) === i));
  }
}

const invalid = (errors: { path: string; message: string }[]) =>
  new DomainError('VALIDATION', 'The command is invalid.', { reason: 'invalid_command', errors });

/** One command as a page lists it. */
export function commandRow(c: Command): CommandRow {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const label = STANDARD_COMMANDS.find((s) => s.type === c.type)?.label ?? c.type;
  return {
    id: c.id,
    deviceId: c.deviceId,
    type: c.type,
    label,
    payload: payloadSummary(c.payload),
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    sentAt: iso(c.sentAt),
    lastSentAt: iso(c.lastSentAt),
    acknowledgedAt: iso(c.acknowledgedAt),
    finishedAt: iso(c.finishedAt),
    deliveryCount: c.deliveryCount,
    progress: c.progress,
    result:
      c.response === null || c.response === undefined ? null : shorten(JSON.stringify(c.response)),
    error: c.error === null ? null : shorten(c.error),
  };
}

/** `seconds: 30, url: https://…`: the payload in one line. */
function payloadSummary(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return '';
  return Object.entries(payload as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

const shorten = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

/** A device's latest commands, for members who may command it. */
export async function deviceCommands(ctx: TenantCtx, deviceId: string): Promise<CommandRow[]> {
  const page = await listDeviceCommands({
    ctx,
    input: { deviceId, limit: DEVICE_COMMANDS_SHOWN },
  });
  return page.items.map(commandRow);
}

/** The device page's `command` intent: one command, or the existing one for a resubmission. */
export async function sendDeviceCommand(member: Member, deviceId: string, form: FormData) {
  const command = commandFromForm(form);
  const result = await createCommand({
    ctx: tenantCtx(member),
    input: { deviceId, ...command },
  });
  return { command: commandRow(result.command), created: result.created };
}

/** "1 hour", "90 seconds", "2 days": a TTL for people. */
export function ttlLabel(seconds: number): string {
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/**
 * The facility page's command intents. `command-review` checks the command and counts the
 * devices it would reach, for the person to confirm; `command-send` sends it, but only if the
 * count is still the one confirmed (otherwise it answers with a fresh review, 409).
 */
export async function facilityCommandAction(
  member: Member,
  facilityId: string,
  intent: 'command-review' | 'command-send',
  form: FormData,
) {
  const ctx = tenantCtx(member);
  try {
    const command = commandFromForm(form);
    const targets = await countFacilityCommandTargets({ ctx, input: { facilityId } });
    const review = {
      devices: targets.devices,
      tooMany: targets.tooMany,
      limit: MAX_BULK_COMMAND_DEVICES,
      label: STANDARD_COMMANDS.find((s) => s.type === command.type)?.label ?? command.type,
      payload: payloadSummary(command.payload),
      ttl: ttlLabel(command.ttlSeconds),
    };
    if (intent === 'command-review') {
      return json({ intent, review, problem: null as Problem | null });
    }
    const confirmed = String(form.get('confirmDevices') ?? '');
    if (targets.tooMany || targets.devices === 0 || confirmed !== String(targets.devices)) {
      // What was confirmed is not what would be sent: show the new number, send nothing.
      const n = targets.devices;
      const { problem } = problemFromDomainError(
        new DomainError(
          'CONFLICT',
          `The facility has ${n} active device${n === 1 ? '' : 's'} now, not the number confirmed: check it and confirm again.`,
          { reason: 'device_count_changed' },
        ),
      );
      return json({ intent: 'command-review' as const, review, problem }, { status: 409 });
    }
    const sent = await createFacilityCommands({ ctx, input: { facilityId, ...command } });
    return json({
      intent,
      sent: {
        label: review.label,
        created: sent.created,
        commands: sent.commands.map((c) => ({ id: c.id, deviceId: c.deviceId, status: c.status })),
      },
      problem: null as Problem | null,
    });
  } catch (err) {
    const failure = await formFailure(err, member.app);
    const body = (await failure.json()) as { problem: Problem };
    return json(
      { intent, problem: body.problem },
      { status: failure.status, headers: failure.headers },
    );
  }
}
