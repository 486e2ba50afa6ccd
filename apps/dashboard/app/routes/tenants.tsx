import { requireUser } from '@anythingiot/accounts';
import { accountCtx, listTenants, switchTenant } from '@anythingiot/services';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { redirect } from '@remix-run/cloudflare';
import { Form, useLoaderData } from '@remix-run/react';
import { appContext } from '~/server/context.server';
import { cookieHeaders, guard, publicAction } from '~/server/guard.server';
import { AuthCard } from '~/ui/auth-card';
import { Submit } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Choose a company · AnythingIoT' }];

/** The companies the signed-in user belongs to; switching rotates the session. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const app = appContext(context, request);
  const auth = await app.auth();
  if (!auth.user) throw redirect('/login', { headers: cookieHeaders(auth) });
  const tenants = await listTenants({ ctx: { ...accountCtx(app.accounts()), user: auth.user } });
  return { tenants };
}

export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  return guard({ app }, async () => {
    const user = requireUser(await app.auth());
    const { session } = await switchTenant({
      ctx: { ...accountCtx(app.accounts()), user },
      input: { tenantId: form.get('tenantId') },
    });
    return redirect('/', { headers: { 'set-cookie': session.cookie } });
  });
}

export default function Tenants() {
  const { tenants } = useLoaderData<typeof loader>();
  return (
    <AuthCard title="Choose a company">
      {tenants.length === 0 ? (
        <p className="text-sm text-gray-700">
          You are not a member of any company any more. Ask an admin for a new invitation.
        </p>
      ) : (
        <ul className="divide-y divide-gray-200">
          {tenants.map((t) => (
            <li key={t.tenantId} className="flex items-center justify-between py-3">
              <span>
                <span className="font-medium">{t.name}</span>
                <span className="ml-2 text-sm text-gray-500">{t.role}</span>
              </span>
              <Form method="post">
                <input type="hidden" name="tenantId" value={t.tenantId} />
                <Submit variant={t.active ? 'secondary' : 'primary'}>
                  {t.active ? 'Current' : 'Switch'}
                </Submit>
              </Form>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" action="/logout" className="mt-6">
        <Submit variant="secondary">Log out</Submit>
      </Form>
    </AuthCard>
  );
}
