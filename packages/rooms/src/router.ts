import { verifyRoomToken } from '@anythingiot/core';
import { type Lobby, routePartykitRequest } from 'partyserver';
import { admitDevice, type DeviceAuthenticator } from './device/device-admission.js';
import { admissionRefusal, tokenFromUrl } from './tenant/admission.js';

/** A refusal, the request to forward (possibly with what admission learnt), or undefined: as is. */
type Admit = (request: Request, lobby: Lobby<never>) => Promise<Response | Request | undefined>;

/** What the router needs from the Worker's composition. */
export type RoomRouting = {
  /** REALTIME_TOKEN_SECRET as a key (`roomTokenKey`), imported once per isolate. */
  tokenKey: Promise<CryptoKey>;
  /** Devices' connect tokens are checked as ingest checks a signature. */
  authenticateDevice: DeviceAuthenticator;
  log(event: Record<string, unknown>): void;
};

const notFound = () =>
  new Response(JSON.stringify({ title: 'Not found', status: 404, code: 'not_found' }), {
    status: 404,
    headers: { 'content-type': 'application/problem+json' },
  });

/**
 * Routes `/parties/<party>/<room>` to the room Durable Objects (partyserver's URL scheme; the
 * party is the binding's name: `TENANT`, `DEVICE`). Each party admits WebSocket upgrades its own
 * way, before the room is woken; a party without an admission rule, and any plain HTTP request
 * to a room, gets 404. Returns null for any other path (the app answers it).
 */
export function routeRooms(
  request: Request,
  env: Record<string, unknown>,
  routing: RoomRouting,
): Promise<Response> | null {
  if (!new URL(request.url).pathname.startsWith('/parties/')) return null;
  const admit: Record<string, Admit> = {
    // Dashboards: a room token for this tenant (see @anythingiot/core room-token).
    TENANT: async (req, lobby) => {
      const check = await verifyRoomToken(
        await routing.tokenKey,
        tokenFromUrl(req.url),
        Date.now(),
      );
      return admissionRefusal(check, lobby.name);
    },
    // Devices (`/parties/device/<device id>`): the downlink, and telemetry beside HTTP ingest.
    DEVICE: (req, lobby) =>
      admitDevice(req, lobby.name, {
        authenticate: routing.authenticateDevice,
        log: routing.log,
      }),
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
