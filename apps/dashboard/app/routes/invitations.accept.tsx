import { requireUser } from '@anythingiot/accounts';
import type { Role } from '@anythingiot/core';
import {
  acceptInvitation,
  acceptInvitationNewAccount,
  accountCtx,
  viewInvitation,
} from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { json, redirect } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { appContext } from '~/server/context.server';
import { formFailure, publicIntent } from '~/server/guard.server';
import { NewPasswordField } from '~/ui/account-fields';
import { AuthCard } from '~/ui/auth-card';
import { Field, FormError, Submit } from '~/ui/form';
import { roleLabel } from '~/ui/roles';

// The token is in this page's URL: no Referer may carry it anywhere.
export const meta: MetaFunction = () => [
  { title: 'Accept your invitation · AnythingIoT' },
  { name: 'referrer', content: 'no-referrer' },
];

type Invitation = { email: string; tenantName: string; role: Role; expiresOn: string };

/**
 * Which way in the invitation offers, decided on the server: a signed-in account with the
 * invited address accepts with one button; another signed-in account is told to switch; signed
 * out, an existing account logs in and comes back here, and a new person creates the account.
 * Viewing consumes nothing (mail scanners fetch links); only the POST does.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const app = appContext(context, request);
  const token = new URL(request.url).searchParams.get('token') ?? '';
  const auth = await app.auth();
  const signedInAs = auth.user?.email ?? null;
  let view: Awaited<ReturnType<typeof viewInvitation>>;
  try {
    view = await viewInvitation({ ctx: accountCtx(app.accounts()), input: { token } });
  } catch (err) {
    const failure = await formFailure(err, app);
    const { problem } = await failure.json();
    return json(
      { state: 'invalid' as const, detail: problem.detail, signedInAs, invitation: null, token },
      { status: failure.status },
    );
  }
  const invitation: Invitation = {
    email: view.email,
    tenantName: view.tenantName,
    role: view.role,
    expiresOn: view.expiresAt.toISOString().slice(0, 10),
  };
  const state = signedInAs
    ? signedInAs.toLowerCase() === view.email.toLowerCase()
      ? ('accept' as const)
      : ('wrong-account' as const)
    : view.accountExists
      ? ('log-in' as const)
      : ('new-account' as const);
  return json({ state, detail: null, signedInAs, invitation, token });
}

/** `accept` (signed in with the invited address) or `create` (a new account); nothing else. */
export async function action(args: ActionFunctionArgs) {
  const { app, form, intent } = await publicIntent(args, ['accept', 'create']);
  const token = form.get('token');
  try {
    if (intent === 'accept') {
      const user = requireUser(await app.auth());
      const { session } = await acceptInvitation({
        ctx: { ...accountCtx(app.accounts()), user },
        input: { token },
      });
      return redirect('/', { headers: { 'set-cookie': session.cookie } });
    }
    const { session } = await acceptInvitationNewAccount({
      ctx: accountCtx(app.accounts()),
      input: {
        token,
        name: String(form.get('name') ?? ''),
        password: String(form.get('password') ?? ''),
      },
    });
    return redirect('/', { headers: { 'set-cookie': session.cookie } });
  } catch (err) {
    return formFailure(err, app);
  }
}

export default function AcceptInvitation() {
  const data = useLoaderData<typeof loader>();
  const problem = useActionData<typeof action>()?.problem;
  const here = `/invitations/accept?token=${encodeURIComponent(data.token)}`;
  if (data.state === 'invalid' || !data.invitation) {
    return (
      <AuthCard title="Invitation">
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {data.detail}
        </p>
        <p className="mt-4 text-sm text-gray-700">
          Invitations work once and for a limited time. Ask whoever invited you to send a new one.
        </p>
        <Link
          className="mt-6 inline-block text-sm text-blue-700 underline"
          to={data.signedInAs ? '/' : '/login'}
        >
          {data.signedInAs ? 'Go to the dashboard' : 'Log in'}
        </Link>
      </AuthCard>
    );
  }
  const inv = data.invitation;
  return (
    <AuthCard title={`Join ${inv.tenantName}`}>
      <p className="text-sm text-gray-700">
        You are invited to <strong>{inv.tenantName}</strong> as{' '}
        <strong>{roleLabel(inv.role)}</strong>, with the address <strong>{inv.email}</strong>. The
        invitation is valid until {inv.expiresOn}.
      </p>
      <div className="mt-6">
        {data.state === 'accept' ? (
          <Form method="post" className="space-y-5">
            <FormError problem={problem} fields={[]} />
            <Submit intent="accept">Accept and join</Submit>
            <input type="hidden" name="token" value={data.token} />
          </Form>
        ) : data.state === 'wrong-account' ? (
          <div className="space-y-4">
            <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
              You are logged in as {data.signedInAs}, but this invitation is for {inv.email}. Log
              out and log in with that address to accept it.
            </p>
            <Form method="post" action="/logout">
              <input type="hidden" name="next" value={here} />
              <Submit variant="secondary">Log out and switch account</Submit>
            </Form>
          </div>
        ) : data.state === 'log-in' ? (
          <div className="space-y-4">
            <p className="text-sm text-gray-700">
              {inv.email} already has an AnythingIoT account. Log in with it to accept; you will
              come back here.
            </p>
            <Link
              className="inline-flex rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800"
              to={`/login?next=${encodeURIComponent(here)}`}
            >
              Log in to accept
            </Link>
          </div>
        ) : (
          <Form method="post" className="space-y-5" noValidate>
            <FormError problem={problem} fields={['name', 'password']} />
            <Field label="Your name" name="name" autoComplete="name" required problem={problem} />
            <NewPasswordField problem={problem} />
            <Submit intent="create">Create my account and join</Submit>
            <input type="hidden" name="token" value={data.token} />
            {/* The account's address, for password managers to save the new password under. */}
            <input type="hidden" name="username" autoComplete="username" value={inv.email} />
          </Form>
        )}
      </div>
    </AuthCard>
  );
}
