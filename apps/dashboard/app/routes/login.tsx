import { login } from '@anythingiot/accounts';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { redirect } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { appContext } from '~/server/context.server';
import { formFailure, publicAction } from '~/server/guard.server';
import { safeNext } from '~/server/redirects.server';
import { EmailField, PasswordField } from '~/ui/account-fields';
import { AuthCard } from '~/ui/auth-card';
import { FormError, Submit } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Log in · AnythingIoT' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const app = appContext(context, request);
  const auth = await app.auth();
  if (auth.principal) {
    throw redirect(safeNext(new URL(request.url).searchParams.get('next'), app.env.APP_URL));
  }
  return null;
}

export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  try {
    const auth = await app.auth();
    const result = await login({
      ctx: app.accounts(),
      input: {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        currentToken: auth.token,
      },
    });
    // Without a company the chooser comes first, unless the login was for a page of its own
    // (accepting an invitation, which is how someone without a company gets one).
    const next = safeNext(form.get('next'), app.env.APP_URL);
    const target = result.activeTenantId || next !== '/' ? next : '/tenants';
    return redirect(target, { headers: { 'set-cookie': result.session.cookie } });
  } catch (err) {
    return formFailure(err, app);
  }
}

export default function Login() {
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const problem = failure?.problem;
  return (
    <AuthCard title="Log in">
      <Form method="post" className="space-y-5" noValidate>
        <input type="hidden" name="next" value={params.get('next') ?? '/'} />
        <FormError problem={problem} />
        <EmailField problem={problem} />
        <PasswordField problem={problem} />
        <div className="flex items-center justify-between">
          <Submit>Log in</Submit>
          <Link className="text-sm text-blue-700 underline" to="/forgot-password">
            Forgot your password?
          </Link>
        </div>
      </Form>
      <p className="mt-6 text-sm text-gray-600">
        New here?{' '}
        <Link className="text-blue-700 underline" to="/signup">
          Create a company account
        </Link>
      </p>
    </AuthCard>
  );
}
