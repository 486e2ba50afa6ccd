import {
  DomainError,
  facilityFilter,
  isDomainError,
  parseTagList,
  validateDevice,
} from '@anythingiot/core';
import { createDevice, listFacilities } from '@anythingiot/services';
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from '@remix-run/cloudflare';
import { json } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Card } from '@tremor/react';
import { formFailure, guard, requireMember, requireMemberAction } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { CopyButton } from '~/ui/copy-button';
import { curlSnippet, sdkSnippet } from '~/ui/device-snippets';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
import { PageHeading } from '~/ui/page-heading';

export const meta: MetaFunction = () => [{ title: 'Register a device · AnythingIoT' }];

// The answer that carries a device secret must never be stored by a browser or a proxy, and a
// reload must not find it again: nothing on this page may be cached.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' });

const DEFAULT_INTERVAL_SECONDS = 60;

/** The registration form: the facilities the member may register into. */
export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'device.write');
  const facilities = await guard(member, () => listFacilities({ ctx: tenantCtx(member) }));
  const wanted = new URL(args.request.url).searchParams.get('facilityId');
  return json(
    {
      facilities: facilities.map((f) => ({ id: f.id, name: f.name })),
      // A member limited to facilities must put the device in one of them (or lose sight of it).
      mayLeaveUnassigned: facilityFilter(member.principal) === null,
      defaultFacilityId: facilities.find((f) => f.id === wanted)?.id ?? facilities[0]?.id ?? '',
      offlineAfterIntervals: member.app.env.OFFLINE_AFTER_INTERVALS,
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

/**
 * Registers the device and answers its secret, this once: it is stored sealed and no page or
 * API can show it again (a new one comes from rotating).
 */
export async function action(args: ActionFunctionArgs) {
  const member = await requireMemberAction(args, 'device.write');
  const form = await args.request.formData();
  const text = (name: string) => String(form.get(name) ?? '');
  try {
    const interval = text('expectedIntervalSeconds').trim();
    const input = validateDevice({
      name: text('name'),
      facilityId: text('facilityId') || null,
      model: text('model'),
      tags: parseTagList(text('tags')),
      expectedIntervalSeconds: interval === '' ? undefined : Number(interval),
    });
    const { device, secret } = await createDevice({ ctx: tenantCtx(member), input });
    return json(
      {
        problem: null,
        created: {
          id: device.id,
          name: device.name,
          secret,
          ingestUrl: new URL('/v1/ingest', member.app.env.API_PUBLIC_URL).toString(),
        },
      },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch (err) {
    return formFailure(oneTagsField(err), member.app);
  }
}

/** The form has one tags box: a problem with the third tag (`tags.2`) is shown next to it. */
function oneTagsField(err: unknown): unknown {
  if (!isDomainError(err) || !err.details.errors) return err;
  const errors = err.details.errors.map((e) => {
    const tag = /^tags\.(\d+)$/.exec(e.path);
    return tag ? { path: 'tags', message: `tag ${Number(tag[1]) + 1}: ${e.message}` } : e;
  });
  return new DomainError(err.code, err.message, { ...err.details, errors });
}

const DEVICES = { to: '/devices', label: 'Devices' };

const FIELDS = ['name', 'facilityId', 'tags', 'expectedIntervalSeconds', 'model'] as const;

export default function RegisterDevice() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result && 'created' in result && result.created) {
    return <Registered created={result.created} />;
  }
  const problem = result?.problem;
  return (
    <div className="max-w-xl space-y-6">
      <PageHeading back={DEVICES}>Register a device</PageHeading>
      {data.facilities.length === 0 && !data.mayLeaveUnassigned ? (
        <p className="text-sm text-gray-600">
          You have no facility to register a device into. Ask an admin for access to one.
        </p>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <FormError problem={problem} fields={FIELDS} />
          <Field label="Name" name="name" required maxLength={100} problem={problem} />
          <SelectField
            label="Facility"
            name="facilityId"
            defaultValue={data.defaultFacilityId}
            problem={problem}
            empty={data.mayLeaveUnassigned ? 'No facility (yet)' : undefined}
            choices={data.facilities.map((f) => ({ value: f.id, label: f.name }))}
          />
          <Field
            label="Tags"
            name="tags"
            problem={problem}
            hint="Optional, separated by commas, e.g. vaccines, fridge."
          />
          <Field
            label="Expected reporting interval (seconds)"
            name="expectedIntervalSeconds"
            type="number"
            inputMode="numeric"
            min={1}
            max={86_400}
            defaultValue={DEFAULT_INTERVAL_SECONDS}
            problem={problem}
            hint={`How often the device posts. After ${data.offlineAfterIntervals} intervals without data it counts as offline.`}
          />
          <Field label="Model" name="model" maxLength={100} problem={problem} hint="Optional." />
          <Submit>Register device</Submit>
        </Form>
      )}
    </div>
  );
}

type Created = { id: string; name: string; secret: string; ingestUrl: string };

function Registered({ created }: { created: Created }) {
  const shell = curlSnippet(created);
  const sdk = sdkSnippet(created);
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeading back={DEVICES}>{created.name} is registered</PageHeading>
      <Card decoration="left" decorationColor="amber">
        <h2 className="font-semibold">Its secret, shown this once</h2>
        <p className="mt-1 text-sm text-gray-700">
          Store it on the device now. It is kept encrypted and no page will show it again; if it is
          lost, rotate the secret on the device page.
        </p>
        <dl className="mt-4 space-y-3 text-sm">
          <div>
            <dt className="font-medium text-gray-800">Device id (X-Device-Id)</dt>
            <dd>
              <code data-testid="device-id" className="break-all font-mono">
                {created.id}
              </code>
            </dd>
          </div>
          <div>
            <dt className="font-medium text-gray-800">Secret</dt>
            <dd className="mt-1 flex flex-wrap items-center gap-3">
              <code
                data-testid="device-secret"
                className="select-all break-all rounded bg-gray-100 px-2 py-1 font-mono"
              >
                {created.secret}
              </code>
              <CopyButton text={created.secret} label="Copy secret" done="Secret copied." />
            </dd>
          </div>
        </dl>
      </Card>
      <Snippet
        title="Send a reading from a shell (curl and openssl)"
        code={shell}
        testId="snippet-shell"
      />
      <Snippet
        title="Send readings with the TypeScript SDK (@anythingiot/sdk)"
        code={sdk}
        testId="snippet-sdk"
        about="The client signs each post, buffers readings and retries with backoff."
      />
      <p className="flex flex-wrap gap-6 text-sm">
        <Link to={`/devices/${created.id}`} className="text-blue-700 underline">
          Open the device page
        </Link>
        <a href="/devices/new" className="text-blue-700 underline">
          Register another device
        </a>
      </p>
    </div>
  );
}

function Snippet({
  title,
  code,
  testId,
  about,
}: {
  title: string;
  code: string;
  testId: string;
  about?: string;
}) {
  return (
    <section className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        <CopyButton text={code} label="Copy" done="Snippet copied." name={title} />
      </div>
      {about ? <p className="text-sm text-gray-600">{about}</p> : null}
      <pre
        data-testid={testId}
        className="overflow-x-auto rounded-md bg-gray-900 p-4 text-xs leading-relaxed text-gray-100"
      >
        <code>{code}</code>
      </pre>
    </section>
  );
}
