import { issueRoomToken } from '@anythingiot/services';
import { json, type LoaderFunctionArgs } from '@remix-run/cloudflare';
import { requireMember } from '~/server/guard.server';

/**
 * GET /realtime-token: a five-minute ticket to the member's tenant room, `{ token, url,
 * expiresAt }`. The page fetches a fresh one for every (re)connection; tenant, role and
 * facility scope come from the session's membership. Never cached: it is a credential.
 */
export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'facility.read');
  const { principal, app } = member;
  const ticket = await issueRoomToken({
    member: principal,
    secret: app.env.REALTIME_TOKEN_SECRET,
    apiBaseUrl: app.env.API_PUBLIC_URL,
    now: Date.now(),
  });
  return json(ticket, { headers: { 'Cache-Control': 'no-store' } });
}
