import { logout, logoutEverywhere } from '@anythingiot/accounts';
import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { redirect } from '@remix-run/cloudflare';
import { publicAction } from '~/server/guard.server';

/** Logging out is a POST (a link or image could otherwise log someone out). */
export async function loader() {
  throw redirect('/');
}

export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  const auth = await app.auth();
  if (form.get('everywhere') === 'true' && auth.user) {
    await logoutEverywhere({ ctx: app.accounts(), user: auth.user });
  }
  const { setCookie } = await logout({ ctx: app.accounts(), input: { token: auth.token } });
  return redirect('/login', { headers: { 'set-cookie': setCookie } });
}
