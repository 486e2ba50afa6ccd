import {
  getProfile,
  logoutEverywhere,
  problemResponse,
  requestEmailVerification,
  updateProfile,
} from '@anythingiot/accounts';
import { DomainError } from '@anythingiot/core';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { json, redirect } from '@remix-run/cloudflare';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { Card } from '@tremor/react';
import {
  type FormFailure,
  formFailure,
  guard,
  requireMember,
  requireMemberAction,
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
    getProfile({ ctx: member.app.accounts(), principal: member.principal }),
  );
}

export type ProfileActionData = { ok: string } | FormFailure;

export async function action(args: ActionFunctionArgs) {
  const { principal: user, app } = await requireMemberAction(args, 'facility.read');
  const form = await args.request.formData();
  const ctx = app.accounts();
  try {
    switch (form.get('intent')) {
      case 'save-details': {
        const { changed } = await updateProfile({
          ctx,
          user,
          input: { name: form.get('name'), temperatureUnit: form.get('temperatureUnit') ?? '' },
        });
        return json<ProfileActionData>({ ok: changed ? 'Saved.' : 'Nothing to change.' });
      }
      case 'verify-email': {
        const { alreadyVerified, emailSent } = await requestEmailVerification({ ctx, user });
        return json<ProfileActionData>({
          ok: alreadyVerified
            ? 'Your email address is already confirmed.'
            : emailSent
              ? `We sent a new confirmation link to ${user.email}. Earlier links no longer work.`
              : 'The email could not be sent just now. Try again in a moment.',
        });
      }
      case 'logout-everywhere': {
        const { setCookie } = await logoutEverywhere({ ctx, user });
        return redirect('/login', { headers: { 'set-cookie': setCookie } });
      }
      default:
        throw problemResponse(
          new DomainError('BAD_REQUEST', 'Unknown action.', { reason: 'unknown_intent' }),
          app.requestId,
        );
    }
  } catch (err) {
    if (err instanceof Response) throw err;
    return formFailure(err, app);
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
  const fetcher = useFetcher<ProfileActionData>();
  const problem = fetcher.data && 'problem' in fetcher.data ? fetcher.data.problem : null;
  return (
    <Card>
      <h2 className="text-lg font-semibold">Your details</h2>
      <fetcher.Form method="post" className="mt-4 space-y-5" noValidate>
        <input type="hidden" name="intent" value="rename" />
        <Outcome result={fetcher.data} fields={['name', 'temperatureUnit']} />
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
        <Submit busy={fetcher.state !== 'idle'}>Save</Submit>
      </fetcher.Form>
    </Card>
  );
}

function EmailCard({ email, verified }: { email: string; verified: boolean }) {
  const fetcher = useFetcher<ProfileActionData>();
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
        <fetcher.Form method="post" className="mt-4 space-y-3">
          <input type="hidden" name="intent" value="verify-email" />
          <Outcome result={fetcher.data} fields={[]} />
          <Submit busy={fetcher.state !== 'idle'} variant="secondary">
            Send a new confirmation link
          </Submit>
        </fetcher.Form>
      )}
    </Card>
  );
}

function SessionsCard() {
  const fetcher = useFetcher<ProfileActionData>();
  return (
    <Card>
      <h2 className="text-lg font-semibold">Sessions</h2>
      <p className="mt-2 text-sm text-gray-700">
        Lost a phone, or logged in on a shared computer? Logging out everywhere ends every session
        of your account, this one included, in all your companies.
      </p>
      <fetcher.Form method="post" className="mt-4 space-y-3">
        <input type="hidden" name="intent" value="logout-everywhere" />
        <Outcome result={fetcher.data} fields={[]} />
        <Submit busy={fetcher.state !== 'idle'} variant="danger">
          Log out everywhere
        </Submit>
      </fetcher.Form>
    </Card>
  );
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
