// The page's connection to its tenant's live room, without React: partysocket reconnects with
// backoff, every attempt with a fresh ticket from /realtime-token; frames are checked
// (protocol.ts), events acknowledged, the token refreshed before it expires, and the page is
// told when to catch up from the API (after every connection and on `resync`).

// The reconnecting socket alone (partysocket/ws), without the PartySocket URL builder.
import ReconnectingWebSocket from 'partysocket/ws';
import {
  isEventFrame,
  LIVE_VERSION,
  type LiveEventFrame,
  type LiveScope,
  type LiveServerFrame,
  parseServerFrame,
} from './protocol';

/** `connecting`: the first attempt; `reconnecting`: lost, trying again; `offline`: stopped. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';
/** Why the client stopped: retries used up, signed out, or the server speaks a newer protocol. */
export type OfflineReason = 'gave_up' | 'signed_out' | 'outdated';
export type LiveState = { status: LiveStatus; reason?: OfflineReason };

/** What /realtime-token answers (services' RoomTicket). */
export type RoomTicket = { token: string; url: string; expiresAt: number };

export type LiveClientOptions = {
  /** A fresh ticket, `signed_out` when the session is gone; throws when it cannot tell. */
  fetchTicket: () => Promise<RoomTicket | 'signed_out'>;
  onState: (state: LiveState) => void;
  onEvent: (frame: LiveEventFrame) => void;
  /**
   * The room now delivers the current scope, but something may have happened unseen before
   * (a first connection after the page was rendered, a reconnection, or a `resync`): re-read
   * what is on screen from the API.
   */
  onCatchUp: (why: 'connected' | 'resync') => void;
  /** For tests in Node (no global WebSocket there). */
  WebSocket?: unknown;
  /** Failed attempts in a row before giving up (the page offers to try again). */
  maxRetries?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long before the token's expiry a fresh one is sent (`refresh`). */
  refreshLeadMs?: number;
  /** Acknowledge at most this often (and on every frame beyond it). */
  ackEveryMs?: number;
  /** Frames the client refused (for the console: a bug on one side or the other). */
  onInvalidFrame?: (reason: string, path?: string) => void;
};

export const LIVE_DEFAULTS = {
  maxRetries: 8,
  minDelayMs: 1_000,
  maxDelayMs: 15_000,
  refreshLeadMs: 60_000,
  ackEveryMs: 100,
} as const;

export class LiveClient {
  readonly #o: LiveClientOptions & typeof LIVE_DEFAULTS;
  readonly #ws: ReconnectingWebSocket;
  #state: LiveState = { status: 'connecting' };
  #scope: LiveScope = { facilityIds: [], deviceIds: [] };
  /** Replies the room owes us ('subscribed' answers both a subscribe and a refresh), in order. */
  #owed: ('subscribe' | 'refresh')[] = [];
  /** True once the room has answered the last subscribe sent on this connection. */
  #confirmed = false;
  #waiters: (() => void)[] = [];
  /** Connection attempts since the last hello. */
  #attempts = 0;
  #helloSeen = false;
  #catchUpPending = false;
  #lastSeq = 0;
  #ackedSeq = 0;
  #ackAt = 0;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: LiveClientOptions) {
    this.#o = { ...LIVE_DEFAULTS, ...options } as LiveClientOptions & typeof LIVE_DEFAULTS;
    this.#ws = new ReconnectingWebSocket(() => this.#nextUrl(), undefined, {
      WebSocket: this.#o.WebSocket,
      // The retry budget is counted here (attempts since the last hello) rather than by
      // partysocket, whose count only resets after five seconds of uptime.
      maxRetries: Number.POSITIVE_INFINITY,
      minReconnectionDelay: this.#o.minDelayMs,
      maxReconnectionDelay: this.#o.maxDelayMs,
      reconnectionDelayGrowFactor: 1.6,
      connectionTimeout: 8_000,
      // Nothing is queued while disconnected: the subscription is sent after each hello.
      maxEnqueuedMessages: 0,
    });
    this.#ws.addEventListener('message', (e) => this.#onMessage(e as MessageEvent));
    // A failed attempt may report an error, a close, or both: either counts once (attempts are
    // counted when they start).
    this.#ws.addEventListener('close', () => this.#onDrop());
    this.#ws.addEventListener('error', () => this.#onDrop());
  }

  get state(): LiveState {
    return this.#state;
  }

  /** What the page shows; sent now if connected, and after every reconnection. */
  subscribe(scope: LiveScope) {
    if (scopeKey(scope) === scopeKey(this.#scope)) return;
    this.#scope = scope;
    if (this.#helloSeen && this.#ws.readyState === 1) this.#sendSubscribe();
  }

  /**
   * Resolves once the room has confirmed the current subscription (at once when not
   * connected: the catch-up after connecting covers that; at the latest after `timeoutMs`).
   * A loader that reads after this cannot miss an event of what it reads.
   */
  ready(timeoutMs = 1_500): Promise<void> {
    if (this.#confirmed || this.#state.status !== 'live') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(done);
    });
  }

  /** From `offline` (or stuck reconnecting): start over with a fresh retry budget. */
  retry() {
    if (this.#closed || this.#state.reason === 'outdated') return;
    this.#attempts = 0;
    this.#setState({ status: this.#helloSeen ? 'reconnecting' : 'connecting' });
    this.#ws.reconnect();
  }

  /** Closes for good (the signed-in frame unmounts). */
  close() {
    this.#closed = true;
    clearTimeout(this.#ackTimer);
    clearTimeout(this.#refreshTimer);
    this.#release();
    this.#ws.close(1000, 'page closed');
  }

  async #nextUrl(): Promise<string> {
    // partysocket asks for the next URL after its back-off even when closed meanwhile.
    if (this.#closed || this.#state.status === 'offline') throw new Error('stopped');
    this.#attempts++;
    const ticket = await this.#o.fetchTicket();
    if (ticket === 'signed_out') {
      this.#stop('signed_out');
      throw new Error('signed out');
    }
    const url = new URL(ticket.url);
    url.searchParams.set('token', ticket.token);
    return url.toString();
  }

  #onMessage(e: MessageEvent) {
    if (typeof e.data !== 'string') return;
    const parsed = parseServerFrame(e.data);
    if (!parsed.ok) {
      if (parsed.reason === 'newer') return this.#stop('outdated');
      this.#o.onInvalidFrame?.(parsed.reason, parsed.path);
      return;
    }
    const frame = parsed.frame;
    if (isEventFrame(frame)) {
      this.#lastSeq = Math.max(this.#lastSeq, frame.seq);
      this.#o.onEvent(frame);
      this.#scheduleAck();
      return;
    }
    this.#onControl(frame);
  }

  #onControl(frame: Exclude<LiveServerFrame, LiveEventFrame>) {
    switch (frame.type) {
      case 'hello':
        this.#attempts = 0;
        this.#helloSeen = true;
        this.#owed = [];
        this.#catchUpPending = true;
        this.#lastSeq = 0;
        this.#ackedSeq = 0;
        this.#setState({ status: 'live' });
        this.#sendSubscribe();
        this.#scheduleRefresh(frame.expiresAt - frame.at);
        return;
      case 'subscribed': {
        // Replies come in the order of our frames. The one answering the last subscribe
        // confirms the current scope (cut down to the member's facilities: that is the answer).
        this.#owed.shift();
        if (this.#owed.includes('subscribe')) return;
        this.#confirmed = true;
        this.#release();
        if (this.#catchUpPending) {
          this.#catchUpPending = false;
          this.#o.onCatchUp('connected');
        }
        return;
      }
      case 'resync':
        this.#o.onCatchUp('resync');
        return;
      case 'error':
        // A refused refresh: reconnect, which fetches a fresh ticket.
        if (frame.code === 'invalid_token') this.#ws.reconnect(4000, 'refresh refused');
        else this.#o.onInvalidFrame?.(`server: ${frame.detail}`, frame.path);
        return;
    }
  }

  #sendSubscribe() {
    this.#confirmed = false;
    this.#owed.push('subscribe');
    const { facilityIds, deviceIds } = this.#scope;
    this.#ws.send(
      JSON.stringify({
        v: LIVE_VERSION,
        type: 'subscribe',
        facilityIds: facilityIds === 'all' ? 'all' : [...facilityIds],
        deviceIds: [...deviceIds],
      }),
    );
  }

  /**
   * Acknowledges the highest seq handled: at once when the last ack is older than
   * ackEveryMs (frames keep acks flowing even where timers are throttled, in a hidden tab),
   * else a little later. The room coalesces readings for a reader that stops acknowledging.
   */
  #scheduleAck() {
    const now = Date.now();
    if (now - this.#ackAt >= this.#o.ackEveryMs) return this.#ack();
    this.#ackTimer ??= setTimeout(() => this.#ack(), this.#o.ackEveryMs);
  }

  #ack() {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#ackAt = Date.now();
    if (this.#lastSeq <= this.#ackedSeq || this.#ws.readyState !== 1) return;
    this.#ackedSeq = this.#lastSeq;
    this.#ws.send(JSON.stringify({ v: LIVE_VERSION, type: 'ack', seq: this.#lastSeq }));
  }

  /** Sends a fresh token before this one expires, so the connection outlives five minutes. */
  #scheduleRefresh(remainingMs: number) {
    clearTimeout(this.#refreshTimer);
    const wait = Math.max(remainingMs - this.#o.refreshLeadMs, Math.min(10_000, remainingMs / 2));
    this.#refreshTimer = setTimeout(async () => {
      try {
        const ticket = await this.#o.fetchTicket();
        if (ticket === 'signed_out') return this.#stop('signed_out');
        if (this.#ws.readyState !== 1) return;
        this.#owed.push('refresh');
        this.#ws.send(JSON.stringify({ v: LIVE_VERSION, type: 'refresh', token: ticket.token }));
        this.#scheduleRefresh(ticket.expiresAt - Date.now());
      } catch {
        // The room closes the socket at expiry (4401); the reconnection fetches a ticket again.
      }
    }, wait);
  }

  #onDrop() {
    clearTimeout(this.#refreshTimer);
    this.#confirmed = false;
    this.#owed = [];
    this.#release();
    if (this.#closed || this.#state.status === 'offline') return;
    // The first attempt and maxRetries more; a connection that said hello starts afresh.
    if (this.#attempts > this.#o.maxRetries) return this.#stop('gave_up');
    this.#setState({ status: this.#helloSeen ? 'reconnecting' : 'connecting' });
  }

  #stop(reason: OfflineReason) {
    clearTimeout(this.#refreshTimer);
    this.#setState({ status: 'offline', reason });
    this.#ws.close(1000, reason);
    this.#release();
  }

  /** Lets every ready() waiter go (confirmed, or nothing to wait for any more). */
  #release() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const done of waiters) done();
  }

  #setState(state: LiveState) {
    if (state.status === this.#state.status && state.reason === this.#state.reason) return;
    this.#state = state;
    this.#o.onState(state);
  }
}

/** One spelling per scope, order-independent, for comparing subscriptions. */
export function scopeKey(scope: LiveScope): string {
  const facilities = scope.facilityIds === 'all' ? 'all' : [...scope.facilityIds].sort().join(',');
  return `${facilities}|${[...scope.deviceIds].sort().join(',')}`;
}

/** GET /realtime-token as the browser does it: a redirect or 401/403 means signed out. */
export async function fetchRoomTicket(
  path = '/realtime-token',
): Promise<RoomTicket | 'signed_out'> {
  const res = await fetch(path, {
    credentials: 'same-origin',
    redirect: 'manual',
    headers: { accept: 'application/json' },
    cache: 'no-store',
  });
  if (res.type === 'opaqueredirect' || res.status === 401 || res.status === 403) {
    return 'signed_out';
  }
  if (!res.ok) throw new Error(`realtime-token answered ${res.status}`);
  return (await res.json()) as RoomTicket;
}
