// The facility page's bulk command: the command's fields, then a confirmation that names how
// many devices it reaches (counted by the server), then what was sent, whose statuses follow the
// tenant room's `command_status` events live.

import { useFetcher } from '@remix-run/react';
import { Card } from '@tremor/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  COMMAND_STATUS,
  CommandFields,
  type CommandFormData,
  CommandStatusBadge,
} from './commands';
import { Submit } from './form';
import { foldCommands, type LiveCommand } from './live/fold';
import { useLiveState } from './live/live';
import { problemOf } from './problem';

type Review = {
  devices: number;
  tooMany: boolean;
  limit: number;
  label: string;
  payload: string;
  ttl: string;
};
type Sent = {
  label: string;
  created: number;
  commands: { id: string; deviceId: string; status: LiveCommand['status'] }[];
};
type Result =
  | { intent: 'command-review'; review: Review; problem: unknown }
  | { intent: 'command-send'; sent: Sent; problem: null }
  | { intent: string; problem: unknown };

const devicesLabel = (n: number) => `${n} active device${n === 1 ? '' : 's'}`;

export function FacilityCommands({
  facilityName,
  form,
}: {
  facilityName: string;
  form: CommandFormData;
}) {
  const fetcher = useFetcher<Result>({ key: 'facility-command' });
  const data = fetcher.data;
  const review = data && 'review' in data ? data.review : null;
  const sent = data && 'sent' in data ? data.sent : null;
  const problem = data ? problemOf(data.problem) : null;
  // "Change" leaves the confirmation for the fields (kept as typed) until the next answer.
  const [changing, setChanging] = useState<Result | undefined>(undefined);
  const confirming = review !== null && changing !== data;
  const busy = fetcher.state !== 'idle';
  const confirmRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  return (
    <section aria-labelledby="facility-commands-heading">
      <Card>
        <h2 id="facility-commands-heading" className="text-lg font-semibold text-gray-900">
          Command every device
        </h2>
        <p className="mt-1 text-sm text-gray-600">
          Sends one command to each active device of {facilityName}. You confirm the number of
          devices before anything is sent.
        </p>
        {sent ? <SentSummary sent={sent} /> : null}
        <fetcher.Form
          method="post"
          className="mt-4 max-w-xl space-y-4"
          noValidate
          preventScrollReset
          data-testid="facility-command-form"
        >
          <div hidden={confirming}>
            <CommandFields
              form={form}
              problem={confirming ? null : problem}
              idPrefix="facility-command"
            />
            <div className="mt-4">
              <Submit intent="command-review" busy={busy}>
                Review…
              </Submit>
            </div>
          </div>
          {confirming && review ? (
            <section
              ref={confirmRef}
              tabIndex={-1}
              aria-labelledby="confirm-command-heading"
              className="rounded-md bg-amber-50 p-4 ring-1 ring-amber-200 focus:outline-none"
              data-testid="command-confirmation"
            >
              <h3 id="confirm-command-heading" className="text-sm font-semibold text-amber-900">
                Confirm the command
              </h3>
              {problem ? (
                <p role="alert" className="mt-2 text-sm text-red-800">
                  {problem.detail}
                </p>
              ) : null}
              {review.tooMany ? (
                <p className="mt-2 text-sm text-amber-900">
                  This facility has more than {review.limit} active devices: a facility command
                  reaches at most {review.limit}. Send it per device instead.
                </p>
              ) : review.devices === 0 ? (
                <p className="mt-2 text-sm text-amber-900">
                  {facilityName} has no active devices: there is nothing to send to.
                </p>
              ) : (
                <p className="mt-2 text-sm text-amber-900">
                  Send <strong>{review.label}</strong>
                  {review.payload ? ` (${review.payload})` : ''} to{' '}
                  <strong>{devicesLabel(review.devices)}</strong> of {facilityName}? Each command
                  waits up to {review.ttl} for its device.
                </p>
              )}
              <div className="mt-3 flex flex-wrap gap-3">
                {!review.tooMany && review.devices > 0 ? (
                  <>
                    <input type="hidden" name="confirmDevices" value={review.devices} />
                    <Submit intent="command-send" busy={busy}>
                      {`Send to ${review.devices} device${review.devices === 1 ? '' : 's'}`}
                    </Submit>
                  </>
                ) : null}
                <button
                  type="button"
                  onClick={() => setChanging(data)}
                  className="rounded-md bg-white px-4 py-2 text-sm font-semibold text-gray-800 shadow-sm ring-1 ring-inset ring-gray-300 hover:bg-gray-50"
                >
                  Change
                </button>
              </div>
            </section>
          ) : null}
        </fetcher.Form>
      </Card>
    </section>
  );
}

const NO_TIMES = {
  sentAt: null,
  lastSentAt: null,
  acknowledgedAt: null,
  finishedAt: null,
  deliveryCount: 0,
  result: null,
  error: null,
};

/** What was sent, and how many commands are at each status now (live). */
function SentSummary({ sent }: { sent: Sent }) {
  const start = useMemo<LiveCommand[]>(
    () => sent.commands.map((c) => ({ ...NO_TIMES, id: c.id, status: c.status })),
    [sent],
  );
  const commands = useLiveState(start, foldCommands);
  const counts = new Map<LiveCommand['status'], number>();
  for (const c of commands) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const ref = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new result takes the focus
  useEffect(() => {
    ref.current?.focus();
  }, [sent]);
  const total = sent.commands.length;
  const again = total - sent.created;
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="status"
      className="mt-4 rounded-md bg-emerald-50 p-4 text-sm text-emerald-900 focus:outline-none"
      data-testid="command-summary"
    >
      <p className="font-semibold">
        {sent.label} sent to {total} device{total === 1 ? '' : 's'}
        {again > 0 ? ` (${again} already had it from this form)` : ''}.
      </p>
      <ul className="mt-2 flex flex-wrap gap-2" aria-label="Commands by status">
        {(Object.keys(COMMAND_STATUS) as LiveCommand['status'][])
          .filter((s) => counts.has(s))
          .map((s) => (
            <li key={s} className="flex items-center gap-1" data-testid={`summary-${s}`}>
              <CommandStatusBadge status={s} />
              <span className="tabular-nums">{counts.get(s)}</span>
            </li>
          ))}
      </ul>
      <p className="mt-2 text-xs text-emerald-800">
        Each device's page lists its command with the device's answer.
      </p>
    </div>
  );
}
