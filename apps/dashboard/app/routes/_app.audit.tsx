import { listMembers, type Problem } from '@anythingiot/accounts';
import type { Actor } from '@anythingiot/core';
import { getTenantPreferences, listAuditLog, nameActors } from '@anythingiot/services';
import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@tremor/react';
import { ACTOR_KINDS, AUDIT_ENTITY_TYPES, parseAuditQuery } from '~/server/audit-filter.server';
import { filterProblem, listOrProblem } from '~/server/filters.server';
import { guard, requireMember } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { humanize } from '~/ui/alerts';
import { Field, FormError, SelectField } from '~/ui/form';
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
  const { principal, app } = member;
  const ctx = tenantCtx(member);
  const [prefs, members] = await guard(member, () =>
    Promise.all([getTenantPreferences({ ctx }), listMembers({ ctx: app.accounts(), principal })]),
  );
  const search = new URL(args.request.url).searchParams;
  const { filter, cursor, errors } = parseAuditQuery(search, prefs.timeZone);
  const base = {
    timeZone: prefs.timeZone,
    people: members.map((m) => ({ value: `user:${m.userId}`, label: m.name || m.email })),
    actorKinds: ACTOR_KINDS.map((k) => ({ value: k, label: ACTOR_KIND_LABEL[k] })),
    entityTypes: AUDIT_ENTITY_TYPES.map((t) => ({ value: t, label: humanize(t) })),
  };
  const refused = (problem: Problem) =>
    json({ ...base, entries: [], nextCursor: null, problem }, { status: 422 });
  if (errors.length > 0) return refused(await filterProblem(errors, app.requestId));
  const result = await guard(member, () =>
    listOrProblem(
      () =>
        listAuditLog({
          ctx,
          input: { ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        }),
      app.requestId,
    ),
  );
  if ('problem' in result) return refused(result.problem);
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
  const value = (name: string) => params.get(name) ?? '';
  const filters = new URLSearchParams(params);
  filters.delete('cursor');
  const next = new URLSearchParams(params);
  if (data.nextCursor) next.set('cursor', data.nextCursor);
  const at = (iso: string) => formatDateTime(iso, data.timeZone);
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
      <Form
        method="get"
        aria-label="Filter the audit log"
        className="grid gap-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-gray-200 sm:grid-cols-2 lg:grid-cols-5"
      >
        <SelectField label="Who" name="who" defaultValue={value('who')} problem={data.problem}>
          <option value="">Anyone</option>
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
        <SelectField label="What" name="what" defaultValue={value('what')} problem={data.problem}>
          <option value="">Anything</option>
          {data.entityTypes.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </SelectField>
        <Field
          label="Action"
          name="action"
          defaultValue={value('action')}
          placeholder="e.g. alert.acknowledged"
          problem={data.problem}
        />
        <Field
          label="From"
          name="from"
          type="date"
          defaultValue={value('from')}
          problem={data.problem}
        />
        <Field
          label="To"
          name="to"
          type="date"
          defaultValue={value('to')}
          problem={data.problem}
          hint="Inclusive, in the company's time zone"
        />
        <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-5">
          <button
            type="submit"
            className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
          >
            Apply filters
          </button>
          <Link to="/audit" className="text-sm text-blue-700 underline">
            Clear
          </Link>
        </div>
      </Form>
      <FormError problem={data.problem} fields={FILTER_FIELDS} />
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading" className="sr-only">
          Entries
        </h2>
        {data.entries.length === 0 ? (
          <p role="status" className="text-sm text-gray-600">
            {data.problem ? 'Fix the filters to see entries.' : 'No entries match these filters.'}
          </p>
        ) : (
          <Table className="rounded-lg bg-white shadow-sm ring-1 ring-gray-200">
            <TableHead>
              <TableRow>
                <TableHeaderCell>When</TableHeaderCell>
                <TableHeaderCell>Who</TableHeaderCell>
                <TableHeaderCell>Action</TableHeaderCell>
                <TableHeaderCell>On</TableHeaderCell>
                <TableHeaderCell>Reason</TableHeaderCell>
                <TableHeaderCell>Changes</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
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
            </TableBody>
          </Table>
        )}
        <nav aria-label="Pages" className="mt-4 flex gap-4 text-sm">
          {params.has('cursor') ? (
            <Link to={`?${filters}`} className="text-blue-700 underline">
              Newest
            </Link>
          ) : null}
          {data.nextCursor ? (
            <Link to={`?${next}`} className="text-blue-700 underline">
              Older entries
            </Link>
          ) : null}
        </nav>
      </section>
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
