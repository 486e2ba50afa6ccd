// Commands on the device and facility pages: the fields of a command (type, its payload, how
// long it may wait), a command's lifecycle as a row, and the device page's panel. Types only from
// core (the list of standard commands comes from the loader), so no zod ships to the browser.

import type { Problem } from '@anythingiot/accounts';
import type { CommandStatus, StandardCommand } from '@anythingiot/core';
import { useFetcher } from '@remix-run/react';
import { Badge, Card } from '@tremor/react';
import { useEffect, useRef, useState } from 'react';
import { Field, FormError, SelectField, Submit } from './form';
import { foldCommands, type LiveCommand } from './live/fold';
import { useLiveRefreshOn, useLiveState } from './live/live';
import { problemOf } from './problem';
import { formatDateTime } from './time';

/** A command as the pages list it (loader data: times as ISO strings). */
export type CommandRow = LiveCommand & {
  deviceId: string;
  type: string;
  /** The standard command's name, or the type itself for one sent through the api. */
  label: string;
  /** `seconds: 30`: the payload in one line. */
  payload: string;
  createdAt: string;
  expiresAt: string;
  progress: number | null;
};

/** What the form needs from the loader. */
export type CommandFormData = {
  types: readonly StandardCommand[];
  units: readonly string[];
  key: string;
};

export const COMMAND_STATUS: Record<
  CommandStatus,
  { label: string; color: 'gray' | 'blue' | 'indigo' | 'emerald' | 'red' | 'amber'; hint: string }
> = {
  pending: { label: 'Pending', color: 'gray', hint: 'waiting for the device to collect it' },
  sent: { label: 'Sent', color: 'blue', hint: 'handed to the device, not acknowledged yet' },
  acknowledged: { label: 'Acknowledged', color: 'indigo', hint: 'the device is working on it' },
  completed: { label: 'Completed', color: 'emerald', hint: 'the device did it' },
  failed: { label: 'Failed', color: 'red', hint: 'the device could not do it' },
  expired: { label: 'Expired', color: 'amber', hint: 'the device did not collect it in time' },
};

export function CommandStatusBadge({ status }: { status: CommandStatus }) {
  const s = COMMAND_STATUS[status];
  return (
    <Badge color={s.color} title={s.hint} data-testid="command-status">
      {s.label}
    </Badge>
  );
}

/** The TTL error sits under the amount; payload errors under their fields. */
const FIXED_FIELDS = ['type', 'ttlAmount', 'ttlUnit'];

/**
 * A command's fields: which command (its description below), the fields its payload takes, and
 * how long it may wait for the device. Uncontrolled except the type, which picks the fields.
 */
export function CommandFields({
  form,
  problem,
  idPrefix,
}: {
  form: CommandFormData;
  problem: Problem | null;
  idPrefix: string;
}) {
  const [type, setType] = useState(form.types[0]?.type ?? '');
  const chosen = form.types.find((t) => t.type === type);
  const fields = chosen?.fields ?? [];
  return (
    <div className="space-y-4">
      <FormError
        problem={problem}
        fields={[...FIXED_FIELDS, ...fields.map((f) => `payload.${f.name}`)]}
      />
      <SelectField
        id={`${idPrefix}-type`}
        label="Command"
        name="type"
        value={type}
        onChange={(e) => setType(e.currentTarget.value)}
        hint={chosen?.description}
        problem={problem}
      >
        {form.types.map((t) => (
          <option key={t.type} value={t.type}>
            {t.label}
          </option>
        ))}
      </SelectField>
      {fields.map((f) => (
        <Field
          key={`${type}.${f.name}`}
          id={`${idPrefix}-payload-${f.name}`}
          label={f.required ? f.label : `${f.label} (optional)`}
          name={`payload.${f.name}`}
          type={f.kind === 'integer' ? 'number' : f.kind === 'url' ? 'url' : 'text'}
          inputMode={f.kind === 'integer' ? 'numeric' : undefined}
          min={f.min}
          max={f.max}
          maxLength={f.maxLength}
          required={f.required}
          hint={f.hint}
          problem={problem}
        />
      ))}
      <fieldset>
        <legend className="block text-sm font-medium text-gray-800">
          Wait for the device up to
        </legend>
        <div className="mt-1 grid grid-cols-2 gap-3">
          <Field
            id={`${idPrefix}-ttl-amount`}
            label="Amount"
            name="ttlAmount"
            type="number"
            inputMode="decimal"
            min={1}
            defaultValue="1"
            problem={problem}
          />
          <SelectField
            id={`${idPrefix}-ttl-unit`}
            label="Unit"
            name="ttlUnit"
            defaultValue="hours"
            problem={problem}
          >
            {form.units.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </SelectField>
        </div>
        <p className="mt-1 text-xs text-gray-500">
          Not collected by then, it expires. At most 7 days.
        </p>
      </fieldset>
      <input type="hidden" name="idempotencyKey" value={form.key} />
    </div>
  );
}

/** One command: what, its status, each step's time, and the device's answer. */
export function CommandItem({ command: c, timeZone }: { command: CommandRow; timeZone: string }) {
  const created = formatDateTime(c.createdAt, timeZone);
  const day = dayOf(created);
  // Full date and time for the creation; the steps after it by time alone on the same day.
  const at = (iso: string | null) => {
    const full = formatDateTime(iso, timeZone);
    return dayOf(full) === day ? full.slice(day.length + 2) : full;
  };
  const steps = [
    `Created ${created}`,
    c.sentAt
      ? `sent ${at(c.sentAt)}${c.deliveryCount > 1 ? ` (delivered ${c.deliveryCount}×)` : ''}`
      : null,
    c.acknowledgedAt ? `acknowledged ${at(c.acknowledgedAt)}` : null,
    c.finishedAt ? `${COMMAND_STATUS[c.status].label.toLowerCase()} ${at(c.finishedAt)}` : null,
  ].filter(Boolean);
  const waiting = c.status === 'pending' || c.status === 'sent';
  return (
    <li
      className="py-3 text-sm"
      data-testid="command-row"
      data-command-id={c.id}
      data-status={c.status}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="min-w-0 font-medium text-gray-900">
          {c.label}
          {c.payload ? <span className="font-normal text-gray-600"> · {c.payload}</span> : null}
        </p>
        <CommandStatusBadge status={c.status} />
      </div>
      <p className="mt-1 text-gray-600" data-testid="command-steps">
        {steps.join(' · ')}
      </p>
      {waiting ? (
        <p className="text-gray-500">
          Expires {at(c.expiresAt)} unless the device{' '}
          {c.status === 'pending' ? 'collects' : 'acknowledges'} it.
        </p>
      ) : null}
      {c.status === 'acknowledged' && c.progress !== null ? (
        <p className="text-gray-600">Progress: {c.progress} %</p>
      ) : null}
      {c.result ? (
        <p className="mt-1 break-all text-gray-700">
          Answer: <code className="rounded bg-gray-50 px-1 text-xs">{c.result}</code>
        </p>
      ) : null}
      {c.error ? (
        <p className="mt-1 break-words text-red-700">
          Error: <span data-testid="command-error">{c.error}</span>
        </p>
      ) : null}
    </li>
  );
}

/** "23 Nov 2026" of "23 Nov 2026, 14:05:09". */
const dayOf = (dateTime: string) => dateTime.split(', ')[0] ?? dateTime;

type DeviceCommandResult =
  | { intent: 'command'; command: CommandRow; created: boolean }
  | { intent: string; problem: unknown };

/** How soon the page re-reads after a status change it folded (delivery counts, exact times). */
const DETAILS_REREAD_MS = 3_000;

/**
 * The device page's Commands panel (members who may command devices): send one, and the
 * latest with their status, which follows the tenant room's `command_status` events live.
 */
export function DeviceCommands({
  deviceId,
  revoked,
  commands: loaded,
  form,
  timeZone,
}: {
  deviceId: string;
  revoked: boolean;
  commands: CommandRow[];
  form: CommandFormData;
  timeZone: string;
}) {
  const commands = useLiveState(loaded, foldCommands);
  useLiveRefreshOn((event) => {
    if (event.type !== 'command_status' || event.deviceId !== deviceId) return false;
    return loaded.some((c) => c.id === event.commandId) ? DETAILS_REREAD_MS : 0;
  });
  const fetcher = useFetcher<DeviceCommandResult>({ key: `device-command-${deviceId}` });
  const data = fetcher.data;
  const problem = data && 'problem' in data ? problemOf(data.problem) : null;
  const sent = data && 'command' in data ? data : null;
  const status = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (sent) status.current?.focus();
  }, [sent]);
  return (
    <section aria-labelledby="commands-heading">
      <Card>
        <h2 id="commands-heading" className="text-lg font-semibold text-gray-900">
          Commands
        </h2>
        <div className="mt-4 grid gap-6 lg:grid-cols-5">
          <div className="lg:col-span-2">
            <h3 className="text-base font-semibold text-gray-900">Send a command</h3>
            {revoked ? (
              <p className="mt-2 text-sm text-gray-600">
                This device is revoked: it can no longer receive commands.
              </p>
            ) : (
              <fetcher.Form
                method="post"
                className="mt-3 space-y-4"
                noValidate
                preventScrollReset
                data-testid="command-form"
              >
                <CommandFields form={form} problem={problem} idPrefix="command" />
                <div className="flex flex-wrap items-center gap-3">
                  <Submit intent="command" busy={fetcher.state !== 'idle'}>
                    Send command
                  </Submit>
                  {sent ? (
                    <p
                      ref={status}
                      tabIndex={-1}
                      role="status"
                      className="text-sm text-emerald-700 focus:outline-none"
                    >
                      {sent.created
                        ? `${sent.command.label} sent: follow it under Recent commands.`
                        : `${sent.command.label} was already sent by this form: one command.`}
                    </p>
                  ) : null}
                </div>
              </fetcher.Form>
            )}
          </div>
          <div className="lg:col-span-3">
            <h3 className="text-base font-semibold text-gray-900">Recent commands</h3>
            {commands.length === 0 ? (
              <p className="mt-2 text-sm text-gray-500">No commands sent to this device yet.</p>
            ) : (
              <ul className="divide-y divide-gray-100" data-testid="commands" aria-live="polite">
                {commands.map((c) => (
                  <CommandItem key={c.id} command={c} timeZone={timeZone} />
                ))}
              </ul>
            )}
          </div>
        </div>
      </Card>
    </section>
  );
}
