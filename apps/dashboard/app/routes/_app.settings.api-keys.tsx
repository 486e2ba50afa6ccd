import { type Action, type Actor, API_KEY_SCOPES, isId } from '@anythingiot/core';
import {
  createApiKey,
  getTenantPreferences,
  listApiKeys,
  nameActors,
  revokeApiKey,
} from '@anythingiot/services';
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from '@remix-run/cloudflare';
import { json } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Badge, Card, TableCell, TableRow } from '@tremor/react';
import { z } from 'zod';
import {
  type FormFailure,
  formFailure,
  guard,
  requireMember,
  requireMemberIntent,
} from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { invalidInput, zodFieldErrors } from '~/server/validation.server';
import { startOfDay } from '~/server/zoned-date.server';
import { CopyButton } from '~/ui/copy-button';
import { DataTable } from '~/ui/data-table';
import { CheckboxGroup, Field, FormError, Submit } from '~/ui/form';
import { formatDateTime } from '~/ui/time';

export const meta: MetaFunction = () => [{ title: 'API keys · AnythingIoT' }];

// The answer to "create" carries the key itself, once: no browser or proxy may keep it, and a
// reload must not find it again.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' });
const NO_STORE = { 'Cache-Control': 'no-store' };

/** What each scope lets an integration do, in the words the form shows (by scope name). */
const SCOPE_INFO: Record<string, string> = {
  'devices:read': 'Read devices and their latest values',
  'devices:write': 'Register, change, rotate and revoke devices',
  'readings:read': 'Read reading history',
  'facilities:read': 'Read facilities',
  'facilities:write': 'Create and change facilities',
  'alerts:read': 'Read alerts and their timelines',
  'alerts:write': 'Acknowledge and resolve alerts',
  'api_keys:read': 'List API keys',
  'api_keys:write': 'Create and revoke API keys',
  'commands:read': 'Read device commands and their status',
  'commands:write': 'Send commands to devices',
};

export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'api_key.manage');
  const ctx = tenantCtx(member);
  const [keys, prefs] = await guard(member, () =>
    Promise.all([listApiKeys({ ctx }), getTenantPreferences({ ctx })]),
  );
  const creators = keys.flatMap((k): Actor[] => {
    if (!k.createdBy) return [];
    if (isId('user', k.createdBy)) return [{ type: 'user', id: k.createdBy }];
    if (isId('apiKey', k.createdBy)) return [{ type: 'apiKey', id: k.createdBy }];
    return [];
  });
  const names = await nameActors({ ctx, input: { actors: creators } });
  const now = Date.now();
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return json(
    {
      timeZone: prefs.timeZone,
      scopes: API_KEY_SCOPES.map((scope) => ({ scope, description: SCOPE_INFO[scope] ?? '' })),
      // Newest first: the key just made is on top.
      keys: keys.reverse().map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        scopes: k.scopes,
        createdAt: k.createdAt.toISOString(),
        createdBy: k.createdBy
          ? (names.get(`user:${k.createdBy}`) ??
            names.get(`apiKey:${k.createdBy}`) ??
            'A former member')
          : null,
        lastUsedAt: iso(k.lastUsedAt),
        expiresAt: iso(k.expiresAt),
        revokedAt: iso(k.revokedAt),
        state: k.revokedAt
          ? ('revoked' as const)
          : k.expiresAt && k.expiresAt.getTime() <= now
            ? ('expired' as const)
            : ('active' as const),
      })),
    },
    { headers: NO_STORE },
  );
}

const CreateSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the key a name, e.g. the integration that uses it.')
    .max(100, 'At most 100 characters.'),
  scopes: z
    .array(z.enum(API_KEY_SCOPES, { error: 'Choose listed scopes.' }))
    .min(1, 'Choose at least one scope.'),
  expiresOn: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2027-01-31.')
      .optional(),
  ),
});

export type ApiKeysActionData =
  | { created: { id: string; name: string; key: string } }
  | { revoked: { id: string; name: string } }
  | FormFailure;

const INTENTS = {
  create: 'api_key.manage',
  revoke: 'api_key.manage',
} as const satisfies Record<string, Action>;

export async function action(args: ActionFunctionArgs) {
  const { member, form, intent } = await requireMemberIntent(args, 'api_key.manage', INTENTS);
  const ctx = tenantCtx(member);
  try {
    if (intent === 'create') {
      const parsed = CreateSchema.safeParse({
        name: form.get('name') ?? '',
        scopes: form.getAll('scopes'),
        expiresOn: form.get('expiresOn') ?? '',
      });
      if (!parsed.success) {
        // An unknown scope is an error of the scopes fieldset, not of one checkbox.
        const errors = zodFieldErrors(parsed.error).map((e) =>
          e.path.startsWith('scopes.') ? { ...e, path: 'scopes' } : e,
        );
        throw invalidInput(errors);
      }
      const { name, scopes, expiresOn } = parsed.data;
      let expiresAt: Date | undefined;
      if (expiresOn) {
        // The key works through the chosen day, in the company's time zone.
        const { timeZone } = await getTenantPreferences({ ctx });
        const end = startOfDay(expiresOn, timeZone, true);
        if (!end) throw expiryError('Not a calendar date.');
        if (end.getTime() <= Date.now()) throw expiryError('Choose today or a later day.');
        expiresAt = end;
      }
      const created = await createApiKey({ ctx, input: { name, scopes, expiresAt } });
      return json<ApiKeysActionData>(
        { created: { id: created.id, name: created.name, key: created.key } },
        { headers: NO_STORE },
      );
    }
    const revoked = await revokeApiKey({ ctx, input: { id: String(form.get('id') ?? '') } });
    return json<ApiKeysActionData>(
      { revoked: { id: revoked.id, name: revoked.name } },
      { headers: NO_STORE },
    );
  } catch (err) {
    return formFailure(err, member.app);
  }
}

const expiryError = (message: string) => invalidInput([{ path: 'expiresOn', message }], message);

const STATE_BADGE = {
  active: { color: 'emerald', label: 'Active' },
  expired: { color: 'gray', label: 'Expired' },
  revoked: { color: 'red', label: 'Revoked' },
} as const;

export default function ApiKeys() {
  const { keys, scopes, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const problem = result && 'problem' in result ? result.problem : null;
  const at = (iso: string | null) => formatDateTime(iso, timeZone);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-xl font-semibold">API keys</h1>
        <p className="mt-1 text-sm text-gray-600">
          Keys let your own systems use the AnythingIoT API. Give each integration its own key with
          only the scopes it needs, so you can revoke one without touching the others.
        </p>
      </div>
      {result && 'created' in result ? (
        <Card className="border border-emerald-300 bg-emerald-50" data-testid="new-key">
          <h2 className="font-semibold text-emerald-900">Key “{result.created.name}” created</h2>
          <p className="mt-1 text-sm text-emerald-900" role="status">
            Copy it now: it is shown only this once and cannot be shown again.
          </p>
          <code className="mt-3 block break-all rounded bg-white p-3 font-mono text-sm ring-1 ring-emerald-200">
            {result.created.key}
          </code>
          <div className="mt-3">
            <CopyButton text={result.created.key} label="Copy key" done="Key copied." />
          </div>
        </Card>
      ) : null}
      {result && 'revoked' in result ? (
        <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
          Key “{result.revoked.name}” revoked. Requests with it are refused from now on.
        </p>
      ) : null}
      <FormError problem={problem} fields={['name', 'scopes', 'expiresOn']} />
      <Card>
        <Form method="post" className="space-y-4" aria-labelledby="create-heading">
          <h2 id="create-heading" className="font-semibold">
            Create a key
          </h2>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Name" name="name" problem={problem} maxLength={100} required />
            <Field
              label="Expires after (optional)"
              name="expiresOn"
              type="date"
              problem={problem}
              hint="The key works through this day; leave empty for a key that does not expire."
            />
          </div>
          <CheckboxGroup
            legend="Scopes"
            name="scopes"
            problem={problem}
            columns="sm:grid-cols-2 lg:grid-cols-3"
            choices={scopes.map(({ scope, description }) => ({
              value: scope,
              label: (
                <span>
                  <span className="font-mono text-gray-900">{scope}</span>
                  <span className="block text-xs text-gray-500">{description}</span>
                </span>
              ),
            }))}
          />
          <Submit intent="create">Create key</Submit>
        </Form>
      </Card>
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="text-lg font-semibold">
          Keys
        </h2>
        {keys.length === 0 ? (
          <p className="mt-2 text-sm text-gray-600">No keys yet.</p>
        ) : (
          <DataTable
            className="mt-3"
            columns={[
              'Name',
              'Key starts with',
              'Scopes',
              'Created',
              'Last used',
              'Expires',
              'Status',
            ]}
          >
            {keys.map((k) => (
              <TableRow key={k.id} data-testid="api-key-row">
                <TableCell className="font-medium text-gray-900">{k.name}</TableCell>
                <TableCell className="font-mono">{k.prefix}…</TableCell>
                <TableCell className="whitespace-normal">
                  <span className="flex max-w-xs flex-wrap gap-1">
                    {k.scopes.map((s) => (
                      <Badge key={s} color="gray">
                        {s}
                      </Badge>
                    ))}
                  </span>
                </TableCell>
                <TableCell>
                  {at(k.createdAt)}
                  {k.createdBy ? (
                    <span className="block text-xs text-gray-500">by {k.createdBy}</span>
                  ) : null}
                </TableCell>
                <TableCell>{k.lastUsedAt ? at(k.lastUsedAt) : 'Never'}</TableCell>
                <TableCell>{k.expiresAt ? at(k.expiresAt) : 'Never'}</TableCell>
                <TableCell>
                  <Badge color={STATE_BADGE[k.state].color}>
                    {STATE_BADGE[k.state].label}
                    {k.revokedAt ? ` ${at(k.revokedAt)}` : ''}
                  </Badge>
                  {k.state !== 'revoked' ? <RevokeControl id={k.id} name={k.name} /> : null}
                </TableCell>
              </TableRow>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}

/** Revoking needs a second, deliberate click: integrations using the key stop at once. */
function RevokeControl({ id, name }: { id: string; name: string }) {
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-sm text-red-700 underline">Revoke…</summary>
      <Form method="post" className="mt-2 space-y-2 whitespace-normal">
        <p className="text-sm text-gray-700">
          Revoke “{name}”? Every request using it is refused from now on. This cannot be undone.
        </p>
        <input type="hidden" name="id" value={id} />
        <Submit intent="revoke" variant="danger">
          Revoke key “{name}”
        </Submit>
      </Form>
    </details>
  );
}
