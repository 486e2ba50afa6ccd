import {
  type Authentication,
  assertSameOrigin,
  type Principal,
  type Problem,
  problemResponse,
} from '@anythingiot/accounts';
import { type Action, authorize, DomainError, isDomainError } from '@anythingiot/core';
import { type ActionFunctionArgs, json, redirect } from '@remix-run/cloudflare';
import { type AppContext, appContext } from './context.server';

type Args = Pick<ActionFunctionArgs, 'request' | 'context'>;

/** A signed-in member acting in their active tenant, and the request's context. */
export type Member = { principal: Principal; app: AppContext };

/**
 * Every loader of a signed-in page starts here: no session → the login page (coming back here
 * afterwards); signed in without a company → the company chooser; then the permission matrix
 * (403 for a missing permission, 404 for a facility outside the member's scope).
 */
export async function requireMember(
  { request, context }: Args,
  action: Action,
  facilityId?: string,
): Promise<Member> {
  const app = appContext(context, request);
  const auth = await app.auth();
  if (!auth.user) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, {
      headers: cookieHeaders(auth),
    });
  }
  if (!auth.principal) throw redirect('/tenants', { headers: cookieHeaders(auth) });
  const member = { principal: auth.principal, app };
  await guard(member, () => authorize(auth.principal!, action, facilityId));
  return member;
}

/** The same for actions, after the CSRF check every state-changing request passes. */
export async function requireMemberAction(
  args: Args,
  action: Action,
  facilityId?: string,
): Promise<Member> {
  sameOrigin(args);
  return requireMember(args, action, facilityId);
}

/**
 * The start of an action of a page with several forms: `requireMemberAction` for the page's
 * `action`, then the form's `intent` field, which must be one of `intents` (400 otherwise, never
 * another form's handler) whose permission the member holds (403 otherwise) — in `facilityId`
 * when the page is a facility's (404 outside the member's facilities).
 */
export async function requireMemberIntent<I extends string>(
  args: Args,
  action: Action,
  intents: Record<I, Action>,
  facilityId?: string,
): Promise<{ member: Member; form: FormData; intent: I }> {
  const member = await requireMemberAction(args, action);
  const { form, intent } = await formIntent(args, Object.keys(intents) as I[], member.app);
  await guard(member, () => authorize(member.principal, intents[intent as I], facilityId));
  return { member, form, intent: intent as I };
}

/** For the signed-out pages' actions (login, sign-up, reset): the CSRF check alone. */
export function publicAction(args: Args): AppContext {
  sameOrigin(args);
  return appContext(args.context, args.request);
}

/**
 * For a signed-out page with several forms (accepting an invitation): the CSRF check, then the
 * form's `intent`, which must be one of `intents` (400 otherwise).
 */
export async function publicIntent<I extends string>(
  args: Args,
  intents: readonly I[],
): Promise<{ app: AppContext; form: FormData; intent: I }> {
  const app = publicAction(args);
  return { app, ...(await formIntent(args, intents, app)) };
}

/** The posted form and its `intent`; one the page does not have is a 400, never a fallback. */
async function formIntent<I extends string>(
  { request }: Args,
  intents: readonly I[],
  app: Pick<AppContext, 'requestId'>,
): Promise<{ form: FormData; intent: I }> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  if (!(intents as readonly string[]).includes(intent)) {
    throw problemResponse(
      new DomainError('BAD_REQUEST', 'Unknown action.', { reason: 'unknown_intent' }),
      app.requestId,
    );
  }
  return { form, intent: intent as I };
}

function sameOrigin({ request, context }: Args) {
  const app = appContext(context, request);
  try {
    assertSameOrigin(request, app.env.APP_URL);
  } catch (err) {
    throw problemResponse(err, app.requestId);
  }
}

/**
 * Runs a use case for a page: a domain error becomes the page's error response (404 for
 * another tenant's id, 403 for a missing permission) instead of a 500.
 */
export async function guard<T>(member: Pick<Member, 'app'>, run: () => T | Promise<T>) {
  try {
    return await run();
  } catch (err) {
    if (isDomainError(err)) throw problemResponse(err, member.app.requestId);
    throw err;
  }
}

/** What a form shows after a refused action: the problem, with its field errors. */
export type FormFailure = { problem: Problem };

/**
 * Maps a refused action to what its form shows (422 field errors, 401 wrong password, 409,
 * 429 …); a missing
 * permission or unknown id is the page's error instead, and anything unexpected a 500.
 */
export async function formFailure(err: unknown, app: Pick<AppContext, 'requestId'>) {
  if (!isDomainError(err)) throw err;
  const response = problemResponse(err, app.requestId);
  if ([403, 404].includes(response.status)) throw response;
  const problem = (await response.json()) as Problem;
  const headers = new Headers();
  const retry = response.headers.get('retry-after');
  if (retry) headers.set('retry-after', retry);
  return json<FormFailure>({ problem }, { status: response.status, headers });
}

/** The refreshed or cleared session cookie, for a redirect thrown before the entry runs. */
export function cookieHeaders(auth: Authentication): HeadersInit {
  return auth.setCookie ? { 'set-cookie': auth.setCookie } : {};
}
