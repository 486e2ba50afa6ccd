import type { AppLoadContext } from '@remix-run/cloudflare';

/**
 * Every response carries the session cookie the request's authentication produced (extended,
 * rotated after a privilege change, or cleared), unless the route set one itself (login,
 * logout, tenant switch) — those know better than the start of the request did.
 */
export async function withSessionCookie(headers: Headers, context: AppLoadContext) {
  const pending = context.app?.authenticated();
  if (!pending) return;
  const { setCookie } = await pending.catch(() => ({ setCookie: null }));
  if (!setCookie) return;
  const name = setCookie.slice(0, setCookie.indexOf('='));
  const alreadySet = headers.getSetCookie().some((cookie) => cookie.startsWith(`${name}=`));
  if (!alreadySet) headers.append('set-cookie', setCookie);
}
