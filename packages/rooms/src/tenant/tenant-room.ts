import {
  coalesceReadings,
  effectiveSubscription,
  LIVE_PROTOCOL_VERSION,
  type LiveAudience,
  LiveClientFrameSchema,
  LiveEventBatchSchema,
  type LiveServerFrame,
  type LiveSubscription,
  mayDeliver,
  type ReadingsEvent,
  type RoomClaims,
  roomTokenKey,
  verifyRoomToken,
} from '@anythingiot/core';
import { type Connection, type ConnectionContext, Server, type WSMessage } from 'partyserver';
import { admissionRefusal, tokenFromUrl } from './admission.js';

/** What the room needs from the Worker's environment. */
export type TenantRoomEnv = { REALTIME_TOKEN_SECRET: string };

/**
 * A connection's identity and wishes, kept in the socket's attachment so they survive the
 * room hibernating (the in-memory flow-control state below does not, and need not).
 */
type ConnectionState = LiveAudience & {
  userId: string;
  /** Token expiry (Unix ms): past it the connection is closed unless refreshed. */
  exp: number;
  subscription: LiveSubscription | null;
  /** Readings were held back for this connection; if the room forgot them, say `resync`. */
  lagging?: true;
};

/**
 * Flow control. Workers' server-side WebSocket has no `bufferedAmount` (send() queues without
 * limit), so the room counts what each connection has not yet acknowledged (`ack` frames with
 * the highest `seq` handled). Above HIGH, readings for that connection are coalesced (newest
 * per device) instead of queued; once acks bring it under LOW, the coalesced ones are sent.
 * Alerts, device status and command status are always sent, never merged or dropped.
 */
export const FLOW = {
  highWaterBytes: 64 * 1024,
  lowWaterBytes: 16 * 1024,
  /** A connection this far behind (non-reading messages alone) is closed: reconnect and catch up. */
  closeBytes: 8 * 1024 * 1024,
} as const;

/** Close codes (4xxx: application). The client reconnects with a fresh token on any of them. */
export const CLOSE = { tokenExpired: 4401, tooSlow: 4408 } as const;

type Link = {
  /** Sent and not yet acknowledged: [seq, bytes], oldest first. */
  unacked: [number, number][];
  unackedBytes: number;
  /** Coalesced readings waiting for the reader to catch up, per device. */
  pending: Map<string, ReadingsEvent>;
};

/** A connection as the room keeps it in memory: the socket, its state, its flow control. */
type Member = { connection: Connection<ConnectionState>; state: ConnectionState; link: Link };

const newLink = (): Link => ({ unacked: [], unackedBytes: 0, pending: new Map() });

/**
 * `tenant:<id>` — one room per tenant for its dashboards (partyserver Durable Object, URL
 * `/parties/tenant/<tenantId>`). Joining needs a room token for this tenant (checked here as
 * well as in the Worker's `onBeforeConnect`); each connection receives only the events its
 * role and facility scope allow, for the facilities and devices it subscribed to. Publishers
 * (the api after a commit) call `publish` by RPC. Hibernation is on: an idle room costs nothing.
 */
export class TenantRoom extends Server<TenantRoomEnv> {
  static override options = { hibernate: true };

  #key: Promise<CryptoKey> | undefined;
  /** Claims verified in fetch(), picked up by onConnect() for the same request. */
  #admitted = new WeakMap<Request, RoomClaims>();
  /**
   * Every open connection with its state, kept in memory so a publish does not deserialise
   * 1,000 socket attachments (partyserver's getConnections does, per call). Rebuilt from the
   * attachments once after the room wakes from hibernation.
   */
  #roster: Map<string, Member> | undefined;
  /**
   * Increases by one per event. Starting from the wake-up time ×1000 keeps it increasing
   * across hibernation, so an ack from before a wake-up can never acknowledge newer frames.
   */
  #seq = Date.now() * 1_000;

  #tokenKey() {
    this.#key ??= roomTokenKey(this.env.REALTIME_TOKEN_SECRET);
    return this.#key;
  }

  /** The room checks the token itself too: nothing but a valid token for this tenant connects. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Not found', { status: 404 });
    }
    const check = await verifyRoomToken(
      await this.#tokenKey(),
      tokenFromUrl(request.url),
      Date.now(),
    );
    const refusal = admissionRefusal(check, this.name);
    if (refusal || !check.ok) return refusal ?? new Response(null, { status: 401 });
    this.#admitted.set(request, check.claims);
    return super.fetch(request);
  }

  override onConnect(connection: Connection<ConnectionState>, ctx: ConnectionContext) {
    const claims = this.#admitted.get(ctx.request);
    if (!claims) {
      connection.close(CLOSE.tokenExpired, 'not admitted');
      return;
    }
    const roster = this.#members();
    const state: ConnectionState = {
      role: claims.role,
      facilityIds: claims.facilityIds,
      userId: claims.userId,
      exp: claims.exp,
      subscription: null,
    };
    connection.setState(state);
    roster.set(connection.id, { connection, state, link: newLink() });
    this.#send(connection, {
      v: LIVE_PROTOCOL_VERSION,
      type: 'hello',
      tenantId: this.name,
      role: claims.role,
      facilityIds: claims.facilityIds,
      expiresAt: claims.exp,
      at: Date.now(),
    });
  }

  override async onMessage(connection: Connection<ConnectionState>, message: WSMessage) {
    const member = this.#member(connection);
    if (!member || this.#expired(member)) return;
    const { state } = member;
    let raw: unknown;
    try {
      raw = JSON.parse(typeof message === 'string' ? message : new TextDecoder().decode(message));
    } catch {
      return this.#error(connection, 'invalid_message', 'Frames are JSON.');
    }
    const parsed = LiveClientFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.#error(
        connection,
        'invalid_message',
        issue?.message ?? 'Invalid frame.',
        issue?.path.join('.'),
      );
    }
    const frame = parsed.data;
    switch (frame.type) {
      case 'subscribe': {
        const subscription = effectiveSubscription(frame, state);
        this.#setState(member, { ...state, subscription });
        this.#dropUndeliverable(member);
        this.#send(connection, {
          v: LIVE_PROTOCOL_VERSION,
          type: 'subscribed',
          facilityIds: subscription.facilityIds === 'all' ? 'all' : [...subscription.facilityIds],
          deviceIds: [...subscription.deviceIds],
          expiresAt: state.exp,
        });
        return;
      }
      case 'ack':
        return this.#acknowledge(member, frame.seq);
      case 'refresh': {
        const check = await verifyRoomToken(await this.#tokenKey(), frame.token, Date.now());
        if (
          !check.ok ||
          check.claims.tenantId !== this.name ||
          check.claims.userId !== state.userId
        ) {
          return this.#error(
            connection,
            'invalid_token',
            'The token is not valid for this connection.',
          );
        }
        const audience = { role: check.claims.role, facilityIds: check.claims.facilityIds };
        const subscription =
          state.subscription && effectiveSubscription(state.subscription, audience);
        this.#setState(member, { ...state, ...audience, exp: check.claims.exp, subscription });
        // Readings held back under the old token may be of facilities the new one no longer
        // grants (a narrowed scope, a lower role): they go, as new ones would not be sent.
        this.#dropUndeliverable(member);
        this.#send(connection, {
          v: LIVE_PROTOCOL_VERSION,
          type: 'subscribed',
          facilityIds:
            !subscription || subscription.facilityIds === 'all'
              ? 'all'
              : [...subscription.facilityIds],
          deviceIds: [...(subscription?.deviceIds ?? [])],
          expiresAt: check.claims.exp,
        });
        return;
      }
    }
  }

  override onClose(connection: Connection) {
    this.#roster?.delete(connection.id);
  }

  override onRequest(): Response {
    return new Response('Not found', { status: 404 });
  }

  /**
   * RPC from publishers: fan committed events out to the connections allowed to see them.
   * Returns how many frames were sent and how many readings were held back (coalesced).
   */
  async publish(events: unknown): Promise<{ sent: number; coalesced: number }> {
    const batch = LiveEventBatchSchema.parse(events);
    const now = Date.now();
    const members = [...this.#members().values()];
    let sent = 0;
    let coalesced = 0;
    for (const event of batch) {
      const seq = ++this.#seq;
      const text = JSON.stringify({ v: LIVE_PROTOCOL_VERSION, seq, ...event });
      for (const member of members) {
        const { state, link, connection } = member;
        if (!state.subscription) continue;
        if (connection.readyState !== WebSocket.OPEN) {
          this.#roster?.delete(connection.id);
          continue;
        }
        if (state.exp <= now) {
          this.#expired(member);
          continue;
        }
        if (!mayDeliver(event, state, state.subscription)) continue;
        if (
          event.type === 'readings' &&
          (link.pending.size > 0 || link.unackedBytes >= FLOW.highWaterBytes)
        ) {
          if (!state.lagging) this.#setState(member, { ...state, lagging: true });
          link.pending.set(
            event.deviceId,
            coalesceReadings(link.pending.get(event.deviceId), event),
          );
          coalesced++;
          continue;
        }
        this.#transmit(member, text, seq);
        sent++;
      }
    }
    return { sent, coalesced };
  }

  /** The roster, rebuilt from the sockets' attachments after a wake-up. */
  #members(): Map<string, Member> {
    if (this.#roster) return this.#roster;
    const roster = new Map<string, Member>();
    this.#roster = roster;
    for (const connection of this.getConnections<ConnectionState>()) {
      const state = connection.state;
      if (!state) continue;
      const member = { connection, state: state as ConnectionState, link: newLink() };
      roster.set(connection.id, member);
      if (state.lagging) {
        // The room slept while readings were held back for this reader: they are gone, so
        // tell the client to fetch what it missed from the API.
        this.#setState(member, { ...member.state, lagging: undefined });
        this.#send(connection, { v: LIVE_PROTOCOL_VERSION, type: 'resync', at: Date.now() });
      }
    }
    return roster;
  }

  #member(connection: Connection<ConnectionState>): Member | undefined {
    return this.#members().get(connection.id);
  }

  /** Updates the state in memory and in the socket's attachment (survives hibernation). */
  #setState(member: Member, state: ConnectionState) {
    member.state = state;
    member.connection.setState(state);
  }

  #transmit(member: Member, text: string, seq: number) {
    const { connection, link } = member;
    connection.send(text);
    link.unacked.push([seq, text.length]);
    link.unackedBytes += text.length;
    if (link.unackedBytes > FLOW.closeBytes) {
      this.#roster?.delete(connection.id);
      connection.close(CLOSE.tooSlow, 'too far behind: reconnect and catch up');
    }
  }

  #acknowledge(member: Member, seq: number) {
    const { link } = member;
    while (link.unacked.length > 0 && (link.unacked[0]?.[0] ?? Infinity) <= seq) {
      link.unackedBytes -= link.unacked.shift()?.[1] ?? 0;
    }
    if (link.pending.size === 0 || link.unackedBytes > FLOW.lowWaterBytes) return;
    // Caught up: send what was held back, newest per device, then take new readings again —
    // each judged again by the connection's state now, not when it was held.
    const { state } = member;
    const held = [...link.pending.values()].filter(
      (event) => state.subscription && mayDeliver(event, state, state.subscription),
    );
    link.pending.clear();
    this.#setState(member, { ...state, lagging: undefined });
    for (const event of held) {
      const seq = ++this.#seq;
      this.#transmit(member, JSON.stringify({ v: LIVE_PROTOCOL_VERSION, seq, ...event }), seq);
    }
  }

  /** Forgets held readings the connection may no longer receive (scope or subscription changed). */
  #dropUndeliverable(member: Member) {
    const { state, link } = member;
    for (const [deviceId, event] of link.pending) {
      if (!state.subscription || !mayDeliver(event, state, state.subscription)) {
        link.pending.delete(deviceId);
      }
    }
    // Nothing it may see is held any more: no resync owed after a wake-up.
    if (link.pending.size === 0 && state.lagging)
      this.#setState(member, { ...state, lagging: undefined });
  }

  #expired(member: Member): boolean {
    if (member.state.exp > Date.now()) return false;
    this.#roster?.delete(member.connection.id);
    member.connection.close(CLOSE.tokenExpired, 'token expired: reconnect with a fresh one');
    return true;
  }

  #error(
    connection: Connection,
    code: 'invalid_message' | 'invalid_token',
    detail: string,
    path?: string,
  ) {
    this.#send(connection, {
      v: LIVE_PROTOCOL_VERSION,
      type: 'error',
      code,
      detail,
      ...(path ? { path } : {}),
    });
  }

  /** Control frames (not flow-controlled: they are few and small). */
  #send(connection: Connection, frame: LiveServerFrame) {
    connection.send(JSON.stringify(frame));
  }
}
