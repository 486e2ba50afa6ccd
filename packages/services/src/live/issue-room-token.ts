import { facilityFilter, ROOM_TOKEN_MAX_TTL_MS, type Role, signRoomToken } from '@anythingiot/core';

/** The path of a tenant's live room on the api Worker (partyserver's `/parties/:party/:room`). */
export const tenantRoomPath = (tenantId: string) =>
  `/parties/tenant/${encodeURIComponent(tenantId)}`;

export type RoomTicket = {
  /** Send as `?token=` when connecting (partysocket: `query: { token }`). */
  token: string;
  /** The room's WebSocket URL (ws: or wss:), without the token. */
  url: string;
  /** Unix ms; fetch a fresh token to reconnect or `refresh` after this. */
  expiresAt: number;
};

/**
 * A short-lived ticket to the member's tenant room, for the dashboard's own server to hand to
 * its page. Everything in it comes from the verified membership (tenant, user, role, facility
 * scope), never from the request; the room refuses it after five minutes.
 */
export async function issueRoomToken(input: {
  member: { tenantId: string; userId: string; role: Role; facilityIds: readonly string[] };
  /** REALTIME_TOKEN_SECRET, shared with the api Worker. */
  secret: string;
  /** The api Worker's public base URL (API_PUBLIC_URL), where the rooms are. */
  apiBaseUrl: string;
  now: number;
  ttlMs?: number;
}): Promise<RoomTicket> {
  const { member } = input;
  const scope = facilityFilter(member);
  const { token, claims } = await signRoomToken(input.secret, {
    tenantId: member.tenantId,
    userId: member.userId,
    role: member.role,
    facilityIds: scope ? [...scope] : null,
    now: input.now,
    ttlMs: input.ttlMs ?? ROOM_TOKEN_MAX_TTL_MS,
  });
  const url = new URL(tenantRoomPath(member.tenantId), input.apiBaseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return { token, url: url.toString(), expiresAt: claims.exp };
}
