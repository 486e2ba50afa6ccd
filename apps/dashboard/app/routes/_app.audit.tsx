import type { Problem } from '@anythingiot/accounts';
import type { Actor } from '@anythingiot/core';
import { getTenantPreferences, listAuditLog, listMembers, nameActors } from '@anythingiot/services';
import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { TableCell, TableRow } from '@tremor/react';
import { ACTOR_KINDS, AUDIT_ENTITY_TYPES, parseAuditQuery } from '~/server/audit-filter.server';
import { listPage } from '~/server/filters.server';
import { guard, requireMember } from '~/server/guard.server';
import { memberCtx, tenantCtx } from '~/server/tenant-ctx.server';
import { humanize } from '~/ui/alerts';
import { DataTable } from '~/ui/data-table';
import { DayRangeFields, FilterBar, FilterResults, useFilterValue } from '~/ui/filter-bar';
import { Field, SelectField } from '~/ui/form';
import { formatDateTime } from '~/ui/time';

export const meta: MetaFunction = () => [{ title: 'Audit log · AnythingIoT' }];

const PAGE_SIZE = 50;

const ACTOR_KIND_LABEL: Record<(typeof ACTOR_KINDS)[number], string> = {
  apiKey: 'Any API key',
  device: 'Any device',
  system: 'AnythingIoT (system)',
  job: 'AnythingIoT (scheduled jobs)',
};

const SYSTEM_NAMES: Record<string, string> = {
  'alert-evaluator': 'AnythingIoT (rule evaluation)',
  escalation: 'AnythingIoT (notifications)',
};

/** Pages the "what" column links to, by entity type. */
const ENTITY_PATH: Record<string, string> = {
  alert: '/alerts/',
  device: '/devices/',
  facility: '/facilities/',
};

function who(actor: Actor, names: Map<string, string>): string {
  const name = names.get(`${actor.type}:${actor.id}`);
  switch (actor.type) {
    case 'user':
      return name ?? `Former member (${actor.id})`;
    case 'apiKey':
      return name ? `API key “${name}”` : `API key ${actor.id}`;
    case 'device':
      return name ? `Device “${name}”` : `Device ${actor.id}`;
    default:
      return SYSTEM_NAMES[actor.id] ?? `AnythingIoT (${actor.id})`;
  }
}

/** JSON for the "changes" cell: readable, and short enough for a table. */
const show = (value: unknown) => (value == null ? null : JSON.stringify(value, null, 2));

export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'audit.read');
  const { app } = member;
  const ctx = tenantCtx(member);
  // Everyone with audit.read has user.read too (core's matrix): the names behind the entries.
  const [prefs, members] = await guard(member, () =>
    Promise.all([getTenantPreferences({ ctx }), listMembers({ ctx: memberCtx(member) })]),
  );
  const search = new URL(args.request.url).searchParams;
  const { filter, cursor, errors } = parseAuditQuery(search, prefs.timeZone);
  const base = {
    timeZone: prefs.timeZone,
    people: members.map((m) => ({ value: `user:${m.userId}`, label: m.name || m.email })),
    actorKinds: ACTOR_KINDS.map((k) => ({ value: k, label: ACTOR_KIND_LABEL[k] })),
    entityTypes: AUDIT_ENTITY_TYPES.map((t) => ({ value: t, label: humanize(t) })),
  };
  const result = await guard(member, () =>
    listPage(app, errors, () =>
      listAuditLog({ ctx, input: { ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
    ),
  );
  if ('problem' in result) {
    return json(
      { ...base, entries: [], nextCursor: null, problem: result.problem },
      { status: 422 },
    );
  }
  const names = await nameActors({ ctx, input: { actors: result.ok.items.map((e) => e.actor) } });
  return json({
    ...base,
    entries: result.ok.items.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      who: who(e.actor, names),
      action: e.action,
      target: {
        type: e.target.type,
        id: e.target.id,
        href: ENTITY_PATH[e.target.type] ? `${ENTITY_PATH[e.target.type]}${e.target.id}` : null,
      },
      reason: e.reason,
      before: show(e.before),
      after: show(e.after),
    })),
    nextCursor: result.ok.nextCursor,
    problem: null as Problem | null,
  });
}

const FILTER_FIELDS = ['who', 'what', 'action', 'from', 'to'];

export default function AuditLog() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const value = useFilterValue();
  const filters = new URLSearchParams(params);
  filters.delete('cursor');
  const at = (iso: string) => formatDateTime(iso, data.timeZone);
  const { problem } = data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-xl font-semibold">Audit log</h1>
        <a
          href={`/audit.csv${filters.toString() ? `?${filters}` : ''}`}
          download
          className="rounded-md bg-white px-3 py-2 text-sm font-semibold text-gray-800 shadow-sm ring-1 ring-inset ring-gray-300 hover:bg-gray-50"
        >
          Download CSV
        </a>
      </div>
      <p className="text-sm text-gray-600">
        Every change, who made it and why, newest first. The log is append-only and hash-chained.
        The CSV has the same filters (at most 10,000 rows, newest first: narrow the dates for older
        entries).
      </p>
      <FilterBar
        label="Filter the audit log"
        clearTo="/audit"
        columns={5}
        problem={problem}
        fields={FILTER_FIELDS}
      >
        <SelectField
          label="Who"
          name="who"
          defaultValue={value('who')}
          problem={problem}
          empty="Anyone"
        >
          <optgroup label="People">
            {data.people.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Other">
            {data.actorKinds.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </optgroup>
        </SelectField>
        <SelectField
          label="What"
          name="what"
          defaultValue={value('what')}
          problem={problem}
          empty="Anything"
          choices={data.entityTypes}
        />
        <Field
          label="Action"
          name="action"
          defaultValue={value('action')}
          placeholder="e.g. alert.acknowledged"
          problem={problem}
        />
        <DayRangeFields fromLabel="From" toLabel="To" problem={problem} />
      </FilterBar>
      <FilterResults
        heading="Entries"
        count={data.entries.length}
        empty={problem ? 'Fix the filters to see entries.' : 'No entries match these filters.'}
        nextCursor={data.nextCursor}
        firstLabel="Newest"
        nextLabel="Older entries"
      >
        <DataTable columns={['When', 'Who', 'Action', 'On', 'Reason', 'Changes']}>
          {data.entries.map((e) => (
            <TableRow key={e.seq} data-testid="audit-row">
              <TableCell>
                <time dateTime={e.at}>{at(e.at)}</time>
              </TableCell>
              <TableCell className="whitespace-normal">{e.who}</TableCell>
              <TableCell className="font-mono text-xs">{e.action}</TableCell>
              <TableCell className="text-xs">
                {humanize(e.target.type)}{' '}
                {e.target.href ? (
                  <Link to={e.target.href} className="font-mono text-blue-700 underline">
                    {e.target.id}
                  </Link>
                ) : (
                  <span className="font-mono">{e.target.id}</span>
                )}
              </TableCell>
              <TableCell className="max-w-xs whitespace-normal">{e.reason ?? '—'}</TableCell>
              <TableCell>
                {e.before || e.after ? (
                  <details>
                    <summary className="cursor-pointer text-sm text-blue-700">Show</summary>
                    <div className="mt-2 grid max-w-md gap-2 text-xs">
                      {e.before ? <Json label="Before" text={e.before} /> : null}
                      {e.after ? <Json label="After" text={e.after} /> : null}
                    </div>
                  </details>
                ) : (
                  '—'
                )}
              </TableCell>
            </TableRow>
          ))}
        </DataTable>
      </FilterResults>
    </div>
  );
}

function Json({ label, text }: { label: string; text: string }) {
  return (
    <div>
      <p className="font-medium text-gray-700">{label}</p>
      <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-all rounded bg-gray-50 p-2 text-gray-800">
        {text}
      </pre>
    </div>
  );
}
