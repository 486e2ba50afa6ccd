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
  #links = new Map<string, Link>();
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
    connection.setState({
      role: claims.role,
      facilityIds: claims.facilityIds,
      userId: claims.userId,
      exp: claims.exp,
      subscription: null,
    });
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
    const state = connection.state;
    if (!state || this.#expired(connection, state)) return;
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
        connection.setState({ ...state, subscription });
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
        return this.#acknowledge(connection, state, frame.seq);
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
        connection.setState({ ...state, ...audience, exp: check.claims.exp, subscription });
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
    this.#links.delete(connection.id);
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
    const connections = [...this.getConnections<ConnectionState>()];
    let sent = 0;
    let coalesced = 0;
    for (const event of batch) {
      const text = JSON.stringify({ v: LIVE_PROTOCOL_VERSION, seq: ++this.#seq, ...event });
      const seq = this.#seq;
      for (const connection of connections) {
        const state = connection.state;
        if (!state?.subscription || connection.readyState !== WebSocket.OPEN) continue;
        if (state.exp <= now) {
          this.#expired(connection, state);
          continue;
        }
        if (!mayDeliver(event, state, state.subscription)) continue;
        const link = this.#link(connection, state);
        if (
          event.type === 'readings' &&
          (link.pending.size > 0 || link.unackedBytes >= FLOW.highWaterBytes)
        ) {
          if (!state.lagging) connection.setState({ ...state, lagging: true });
          link.pending.set(
            event.deviceId,
            coalesceReadings(link.pending.get(event.deviceId), event),
          );
          coalesced++;
          continue;
        }
        this.#transmit(connection, link, text, seq);
        sent++;
      }
    }
    return { sent, coalesced };
  }

  #link(connection: Connection<ConnectionState>, state: ConnectionState): Link {
    let link = this.#links.get(connection.id);
    if (!link) {
      link = { unacked: [], unackedBytes: 0, pending: new Map() };
      this.#links.set(connection.id, link);
      if (state.lagging) {
        // The room slept while readings were held back for this reader: they are gone, so
        // tell the client to fetch what it missed from the API.
        connection.setState({ ...state, lagging: undefined });
        this.#send(connection, { v: LIVE_PROTOCOL_VERSION, type: 'resync', at: Date.now() });
      }
    }
    return link;
  }

  #transmit(connection: Connection, link: Link, text: string, seq: number) {
    connection.send(text);
    link.unacked.push([seq, text.length]);
    link.unackedBytes += text.length;
    if (link.unackedBytes > FLOW.closeBytes) {
      this.#links.delete(connection.id);
      connection.close(CLOSE.tooSlow, 'too far behind: reconnect and catch up');
    }
  }

  #acknowledge(connection: Connection<ConnectionState>, state: ConnectionState, seq: number) {
    const link = this.#link(connection, state);
    while (link.unacked.length > 0 && (link.unacked[0]?.[0] ?? Infinity) <= seq) {
      link.unackedBytes -= link.unacked.shift()?.[1] ?? 0;
    }
    if (link.pending.size === 0 || link.unackedBytes > FLOW.lowWaterBytes) return;
    // Caught up: send what was held back, newest per device, then take new readings again.
    const held = [...link.pending.values()];
    link.pending.clear();
    connection.setState({ ...state, lagging: undefined });
    for (const event of held) {
      const text = JSON.stringify({ v: LIVE_PROTOCOL_VERSION, seq: ++this.#seq, ...event });
      this.#transmit(connection, link, text, this.#seq);
    }
  }

  #expired(connection: Connection, state: ConnectionState): boolean {
    if (state.exp > Date.now()) return false;
    this.#links.delete(connection.id);
    connection.close(CLOSE.tokenExpired, 'token expired: reconnect with a fresh one');
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
