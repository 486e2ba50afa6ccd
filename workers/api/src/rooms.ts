import { verifyRoomToken } from '@anythingiot/core';
import {
  admissionRefusal,
  type Lobby,
  routePartykitRequest,
  tokenFromUrl,
} from '@anythingiot/realtime';

type Admit = (request: Request, lobby: Lobby<never>) => Promise<Response | undefined>;

const notFound = () =>
  new Response(JSON.stringify({ title: 'Not found', status: 404, code: 'not_found' }), {
    status: 404,
    headers: { 'content-type': 'application/problem+json' },
  });

/**
 * Routes `/parties/<party>/<room>` to the room Durable Objects (partyserver's URL scheme). Each
 * party admits WebSocket upgrades its own way, before the room is woken; a party without an
 * admission rule, and any plain HTTP request to a room, gets 404.
 */
export function routeRooms(
  request: Request,
  env: Record<string, unknown>,
  config: { tokenKey: Promise<CryptoKey> },
): Promise<Response | null> | null {
  if (!new URL(request.url).pathname.startsWith('/parties/')) return null;
  const admit: Record<string, Admit> = {
    // Dashboards: a room token for this tenant (see @anythingiot/core room-token).
    TENANT: async (req, lobby) => {
      const check = await verifyRoomToken(await config.tokenKey, tokenFromUrl(req.url), Date.now());
      return admissionRefusal(check, lobby.name);
    },
  };
  return routePartykitRequest(request, env as never, {
    prefix: 'parties',
    onBeforeConnect: (req, lobby) => {
      const rule = admit[lobby.className];
      return rule ? rule(req, lobby) : notFound();
    },
    onBeforeRequest: () => notFound(),
  }).then((res) => res ?? notFound());
}
