import { verifyRoomToken } from '@anythingiot/core';
import {
  admissionRefusal,
  type Lobby,
  routePartykitRequest,
  tokenFromUrl,
} from '@anythingiot/realtime';

/** A refusal, the request to forward (possibly with what admission learnt), or undefined: as is. */
type Admit = (request: Request, lobby: Lobby<never>) => Promise<Response | Request | undefined>;

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
  config: {
    tokenKey: Promise<CryptoKey>;
    /** Devices: a connect token signed with the device's secret (see rooms/device-admission). */
    admitDevice: (request: Request, deviceId: string) => Promise<Request | Response>;
  },
): Promise<Response | null> | null {
  if (!new URL(request.url).pathname.startsWith('/parties/')) return null;
  const admit: Record<string, Admit> = {
    // Dashboards: a room token for this tenant (see @anythingiot/core room-token).
    TENANT: async (req, lobby) => {
      const check = await verifyRoomToken(await config.tokenKey, tokenFromUrl(req.url), Date.now());
      return admissionRefusal(check, lobby.name);
    },
    // Devices (`/parties/device/<device id>`): the downlink, and telemetry beside HTTP ingest.
    DEVICE: (req, lobby) => config.admitDevice(req, lobby.name),
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
