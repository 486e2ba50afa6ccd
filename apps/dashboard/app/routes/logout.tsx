import { accountCtx, logout, logoutEverywhere } from '@anythingiot/services';
import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { redirect } from '@remix-run/cloudflare';
import { publicAction } from '~/server/guard.server';
import { safeNext } from '~/server/redirects.server';

/** Logging out is a POST (a link or image could otherwise log someone out). */
export async function loader() {
  throw redirect('/');
}

export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  const auth = await app.auth();
  const ctx = accountCtx(app.accounts());
  if (form.get('everywhere') === 'true' && auth.user) {
    await logoutEverywhere({ ctx: { ...ctx, user: auth.user } });
  }
  const { setCookie } = await logout({ ctx, input: { token: auth.token } });
  // `next`: log out and log in as someone else to continue there (an invitation for another address).
  const next = form.get('next');
  const target = next
    ? `/login?next=${encodeURIComponent(safeNext(next, app.env.APP_URL))}`
    : '/login';
  return redirect(target, { headers: { 'set-cookie': setCookie } });
}
