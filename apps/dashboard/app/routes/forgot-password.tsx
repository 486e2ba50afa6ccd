import { accountCtx, requestPasswordReset } from '@anythingiot/services';
import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useActionData } from '@remix-run/react';
import { formFailure, publicAction } from '~/server/guard.server';
import { EmailField } from '~/ui/account-fields';
import { AuthCard } from '~/ui/auth-card';
import { FormError, Submit } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Reset your password · AnythingIoT' }];

// The answer is the use case's one sentence for every address (known, unknown, capped), so
// the page cannot be used to find out who has an account.
export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  try {
    const answer = await requestPasswordReset({
      ctx: accountCtx(app.accounts()),
      input: { email: String(form.get('email') ?? '') },
    });
    return { sent: answer.message } as const;
  } catch (err) {
    return formFailure(err, app);
  }
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  if (result && 'sent' in result) {
    return (
      <AuthCard title="Check your email">
        <p role="status" className="text-sm text-gray-700">
          {result.sent} The link works for an hour.
        </p>
        <Link className="mt-6 inline-block text-sm text-blue-700 underline" to="/login">
          Back to log in
        </Link>
      </AuthCard>
    );
  }
  const problem = result?.problem;
  return (
    <AuthCard title="Reset your password">
      <Form method="post" className="space-y-5" noValidate>
        <p className="text-sm text-gray-700">
          Enter the email address you log in with and we will send you a link to choose a new
          password.
        </p>
        <FormError problem={problem} fields={['email']} />
        <EmailField problem={problem} />
        <Submit>Send the link</Submit>
      </Form>
      <p className="mt-6 text-sm text-gray-600">
        Remembered it?{' '}
        <Link className="text-blue-700 underline" to="/login">
          Log in
        </Link>
      </p>
    </AuthCard>
  );
}
