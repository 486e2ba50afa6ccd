import type { Action } from '@anythingiot/core';
import {
  accountCtx,
  getProfile,
  logoutEverywhere,
  requestEmailVerification,
  updateProfile,
} from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { json, redirect } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Card } from '@tremor/react';
import {
  type FormFailure,
  formFailure,
  guard,
  requireMember,
  requireMemberIntent,
} from '~/server/guard.server';
import { Field, FormError, SelectField, Submit } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Your profile · AnythingIoT' }];

/**
 * The signed-in person's own account: every member may open it (`facility.read` is every
 * role's), and every action acts on the session's own user, never on an id from the form.
 */
export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'facility.read');
  return guard(member, () =>
    getProfile({ ctx: { ...accountCtx(member.app.accounts()), user: member.principal } }),
  );
}

/** What a form answered; `intent` says which of the page's forms it was. */
export type ProfileActionData = { intent: string } & ({ ok: string } | FormFailure);

/** Every form here acts on the member's own account, which every member may do. */
const INTENTS = {
  'save-details': 'facility.read',
  'verify-email': 'facility.read',
  'logout-everywhere': 'facility.read',
} as const satisfies Record<string, Action>;

export async function action(args: ActionFunctionArgs) {
  const { member, form, intent } = await requireMemberIntent(args, 'facility.read', INTENTS);
  const { principal: user, app } = member;
  const ctx = app.accounts();
  const answer = (body: { ok: string } | FormFailure, init?: ResponseInit) =>
    json<ProfileActionData>({ intent, ...body }, init);
  try {
    switch (intent) {
      case 'save-details': {
        const { changed } = await updateProfile({
          ctx: { ...accountCtx(ctx), user },
          input: { name: form.get('name'), temperatureUnit: form.get('temperatureUnit') ?? '' },
        });
        return answer({ ok: changed ? 'Saved.' : 'Nothing to change.' });
      }
      case 'verify-email': {
        const { alreadyVerified, emailSent } = await requestEmailVerification({
          ctx: { ...accountCtx(ctx), user },
        });
        return answer({
          ok: alreadyVerified
            ? 'Your email address is already confirmed.'
            : emailSent
              ? `We sent a new confirmation link to ${user.email}. Earlier links no longer work.`
              : 'The email could not be sent just now. Try again in a moment.',
        });
      }
      case 'logout-everywhere': {
        const { setCookie } = await logoutEverywhere({ ctx: { ...accountCtx(ctx), user } });
        return redirect('/login', { headers: { 'set-cookie': setCookie } });
      }
    }
  } catch (err) {
    const failure = await formFailure(err, app);
    return answer(await failure.json(), { status: failure.status, headers: failure.headers });
  }
}

export default function Profile() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-xl font-semibold">Your profile</h1>
      <DetailsForm data={data} />
      <EmailCard email={data.email} verified={data.emailVerified} />
      <SessionsCard />
    </div>
  );
}

function DetailsForm({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const outcome = useOutcome('save-details');
  const problem = outcome && 'problem' in outcome ? outcome.problem : null;
  return (
    <Card>
      <h2 className="text-lg font-semibold">Your details</h2>
      <Form method="post" className="mt-4 space-y-5" noValidate>
        <Outcome result={outcome} fields={['name', 'temperatureUnit']} />
        <Field
          label="Your name"
          name="name"
          autoComplete="name"
          defaultValue={data.name}
          required
          problem={problem}
          hint="Shown to the other members of your companies and in the audit log."
        />
        <SelectField
          label="Temperature unit"
          name="temperatureUnit"
          defaultValue={data.temperatureUnit ?? ''}
          problem={problem}
          hint="How temperatures are shown to you, in every company you belong to."
        >
          <option value="">Company default (°{data.companyTemperatureUnit})</option>
          <option value="C">°C</option>
          <option value="F">°F</option>
        </SelectField>
        <Submit intent="save-details">Save</Submit>
      </Form>
    </Card>
  );
}

function EmailCard({ email, verified }: { email: string; verified: boolean }) {
  const outcome = useOutcome('verify-email');
  return (
    <Card>
      <h2 className="text-lg font-semibold">Email</h2>
      <p className="mt-2 text-sm text-gray-700">
        {email}{' '}
        {verified ? (
          <span className="text-emerald-700">(confirmed)</span>
        ) : (
          <span className="text-amber-800">(not confirmed yet)</span>
        )}
      </p>
      {verified ? null : (
        <Form method="post" className="mt-4 space-y-3">
          <Outcome result={outcome} fields={[]} />
          <Submit intent="verify-email" variant="secondary">
            Send a new confirmation link
          </Submit>
        </Form>
      )}
    </Card>
  );
}

function SessionsCard() {
  const outcome = useOutcome('logout-everywhere');
  return (
    <Card>
      <h2 className="text-lg font-semibold">Sessions</h2>
      <p className="mt-2 text-sm text-gray-700">
        Lost a phone, or logged in on a shared computer? Logging out everywhere ends every session
        of your account, this one included, in all your companies.
      </p>
      <Form method="post" className="mt-4 space-y-3">
        <Outcome result={outcome} fields={[]} />
        <Submit intent="logout-everywhere" variant="danger">
          Log out everywhere
        </Submit>
      </Form>
    </Card>
  );
}

/** The answer of this page's form with `intent`, if it was the last one sent. */
function useOutcome(intent: string) {
  const data = useActionData<typeof action>();
  return data?.intent === intent ? data : undefined;
}

function Outcome({
  result,
  fields,
}: {
  result: ProfileActionData | undefined;
  fields: readonly string[];
}) {
  if (!result) return null;
  if ('problem' in result) return <FormError problem={result.problem} fields={fields} />;
  return (
    <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
      {result.ok}
    </p>
  );
}
