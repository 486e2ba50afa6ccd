import { accountCtx, verifyEmail } from '@anythingiot/services';
import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { formFailure, publicAction } from '~/server/guard.server';
import { AuthCard } from '~/ui/auth-card';
import { FormError, Submit } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Confirm your email · AnythingIoT' }];

// The emailed link opens this page and a button confirms: a GET never consumes the token, so
// mail scanners that follow links cannot use it up before the person does.
export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  try {
    const { email } = await verifyEmail({
      ctx: accountCtx(app.accounts()),
      input: { token: form.get('token') },
    });
    return { verified: email } as const;
  } catch (err) {
    return formFailure(err, app);
  }
}

export default function VerifyEmail() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  if (result && 'verified' in result) {
    return (
      <AuthCard title="Email confirmed">
        <p role="status" className="text-sm text-gray-700">
          {result.verified} is confirmed. Thank you.
        </p>
        <Link className="mt-6 inline-block text-blue-700 underline" to="/">
          Go to the dashboard
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Confirm your email">
      <Form method="post" className="space-y-5">
        <input type="hidden" name="token" value={params.get('token') ?? ''} />
        <FormError problem={result?.problem} fields={[]} />
        <p className="text-sm text-gray-700">Confirm that this email address is yours.</p>
        <Submit>Confirm my email</Submit>
      </Form>
    </AuthCard>
  );
}
