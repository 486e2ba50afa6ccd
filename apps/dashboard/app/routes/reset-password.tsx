import { accountCtx, resetPassword } from '@anythingiot/services';
import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { formFailure, publicAction } from '~/server/guard.server';
import { NewPasswordField } from '~/ui/account-fields';
import { AuthCard } from '~/ui/auth-card';
import { FormError, Submit } from '~/ui/form';

// The token is in this page's URL: no Referer may carry it anywhere.
export const meta: MetaFunction = () => [
  { title: 'Choose a new password · AnythingIoT' },
  { name: 'referrer', content: 'no-referrer' },
];

// The emailed link opens this form and the button consumes the token (a GET never does, so
// a mail scanner following the link cannot use it up).
export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  try {
    await resetPassword({
      ctx: accountCtx(app.accounts()),
      input: { token: form.get('token'), password: String(form.get('password') ?? '') },
    });
    return { reset: true } as const;
  } catch (err) {
    return formFailure(err, app);
  }
}

export default function ResetPassword() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  if (result && 'reset' in result) {
    return (
      <AuthCard title="Password changed">
        <p role="status" className="text-sm text-gray-700">
          Your password has been changed and every session of your account has been signed out. Log
          in with the new password.
        </p>
        <Link className="mt-6 inline-block text-blue-700 underline" to="/login">
          Log in
        </Link>
      </AuthCard>
    );
  }
  const problem = result?.problem;
  const badLink = problem?.code === 'invalid_token' || (!problem && token === '');
  return (
    <AuthCard title="Choose a new password">
      <Form method="post" className="space-y-5" noValidate>
        {token === '' && !problem ? (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            This page needs the link from the password reset email.
          </p>
        ) : (
          <FormError problem={problem} fields={['password']} />
        )}
        {badLink ? (
          <p className="text-sm text-gray-700">
            Links work once and for an hour.{' '}
            <Link className="text-blue-700 underline" to="/forgot-password">
              Request a new link
            </Link>
          </p>
        ) : (
          <>
            <NewPasswordField problem={problem} label="New password" />
            <Submit>Set the new password</Submit>
          </>
        )}
        {/* Last, so the form's spacing starts at the first visible element. */}
        <input type="hidden" name="token" value={token} />
      </Form>
    </AuthCard>
  );
}
