// Live data in React. One connection per tab, opened by the signed-in frame (<LiveProvider>)
// and kept across navigations. Pages say what they show through their route `handle`
// (`live: params => scope`) and a `clientLoader` that subscribes before it reads, so an event
// cannot fall between a page's data and its subscription. Pages then either fold events into
// their loader data (useLiveState) or ask for a throttled re-read (useLiveRefresh).

import {
  type ClientLoaderFunctionArgs,
  type Params,
  useMatches,
  useNavigation,
  useRevalidator,
} from '@remix-run/react';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { fetchRoomTicket, LiveClient, type LiveState, scopeKey } from './client';
import type { LiveEvent, LiveScope } from './protocol';

export type { LiveEvent, LiveScope };

/** What a live page puts in its route `handle`. */
export type LiveHandle = { live: (params: Params) => LiveScope };

const NOTHING: LiveScope = { facilityIds: [], deviceIds: [] };
/** Events kept to fold into data that arrives after them (a re-read may have missed them). */
const REPLAY_MS = 30_000;
const REPLAY_MAX = 500;

type Listener = (event: LiveEvent, n: number) => void;

/**
 * The tab's live connection and what it has received lately. A module singleton (not React
 * state) because clientLoaders, which run outside components, subscribe through it too.
 */
class LiveHub {
  #client: LiveClient | null = null;
  #state: LiveState = { status: 'connecting' };
  #stateListeners = new Set<() => void>();
  #listeners = new Set<Listener>();
  #recent: { at: number; n: number; event: LiveEvent }[] = [];
  #n = 0;
  #page: LiveScope = NOTHING;
  #next: LiveScope = NOTHING;
  #onCatchUp: (() => void) | null = null;

  start(onCatchUp: () => void) {
    this.#onCatchUp = onCatchUp;
    if (this.#client) return;
    this.#setState({ status: 'connecting' });
    this.#client = new LiveClient({
      fetchTicket: () => fetchRoomTicket(),
      onState: (state) => this.#setState(state),
      onEvent: (frame) => {
        const { v: _v, seq: _seq, ...event } = frame;
        this.#receive(event as LiveEvent);
      },
      onCatchUp: () => this.#onCatchUp?.(),
      onInvalidFrame: (reason, path) =>
        console.warn(`live: ignored a frame (${reason}${path ? ` at ${path}` : ''})`),
    });
    this.#client.subscribe(this.#scope());
  }

  stop() {
    this.#client?.close();
    this.#client = null;
    this.#onCatchUp = null;
  }

  retry() {
    this.#client?.retry();
  }

  get state(): LiveState {
    return this.#state;
  }

  /** The scope of the page on screen (from the matched routes' handles). */
  setPage(scope: LiveScope) {
    this.#page = scope;
    this.#next = NOTHING;
    this.#client?.subscribe(this.#scope());
  }

  /**
   * A navigation or re-read is about to load `scope`: subscribe to it too (the page on screen
   * keeps its own until it goes), and wait until the room confirms, so whatever happens after
   * the loader reads arrives as an event.
   */
  async prepare(scope: LiveScope) {
    const union = unite(this.#page, scope);
    if (scopeKey(union) !== scopeKey(unite(this.#page, this.#next))) {
      this.#next = scope;
      this.#client?.subscribe(this.#scope());
    }
    await this.#client?.ready();
  }

  /** A navigation ended elsewhere (or failed): forget the scope it prepared. */
  settle() {
    if (this.#next === NOTHING) return;
    this.#next = NOTHING;
    this.#client?.subscribe(this.#scope());
  }

  hasPageScope() {
    return scopeKey(this.#page) !== scopeKey(NOTHING);
  }

  on(listener: Listener) {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  onState = (listener: () => void) => {
    this.#stateListeners.add(listener);
    return () => void this.#stateListeners.delete(listener);
  };

  getState = () => this.#state;

  /** Events of the last REPLAY_MS, oldest first, each with its arrival number. */
  recent(): readonly { n: number; event: LiveEvent }[] {
    const since = Date.now() - REPLAY_MS;
    this.#recent = this.#recent.filter((r) => r.at >= since);
    return this.#recent;
  }

  #scope(): LiveScope {
    return unite(this.#page, this.#next);
  }

  #receive(event: LiveEvent) {
    const n = ++this.#n;
    this.#recent.push({ at: Date.now(), n, event });
    if (this.#recent.length > REPLAY_MAX) this.#recent.splice(0, this.#recent.length - REPLAY_MAX);
    for (const listener of this.#listeners) listener(event, n);
  }

  #setState(state: LiveState) {
    this.#state = state;
    for (const listener of this.#stateListeners) listener();
  }
}

/** Both scopes at once. */
export function unite(a: LiveScope, b: LiveScope): LiveScope {
  const facilityIds =
    a.facilityIds === 'all' || b.facilityIds === 'all'
      ? 'all'
      : [...new Set([...a.facilityIds, ...b.facilityIds])];
  return { facilityIds, deviceIds: [...new Set([...a.deviceIds, ...b.deviceIds])] };
}

const hub = new LiveHub();

/**
 * A live page's clientLoader: subscribe to what the page will show, then read it. Without
 * this a reading committed between the loader's query and the subscription would be missed.
 */
export function liveClientLoader(scopeOf: (params: Params) => LiveScope) {
  return async ({ params, serverLoader }: ClientLoaderFunctionArgs) => {
    await hub.prepare(scopeOf(params));
    return serverLoader();
  };
}

type Refresh = (withinMs: number) => void;
const RefreshContext = createContext<Refresh>(() => {});

/**
 * The signed-in frame's live connection: opens it, keeps the subscription to the matched
 * page's scope, and re-reads the page (its loaders) after every (re)connection, a `resync`,
 * and when the tab comes back into view; pages ask for re-reads through useLiveRefresh.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const refresh = useThrottledRefresh(() => revalidate.current());

  const matches = useMatches();
  const scope = useMemo(() => {
    let union = NOTHING;
    for (const m of matches) {
      const handle = m.handle as Partial<LiveHandle> | undefined;
      if (handle?.live) union = unite(union, handle.live(m.params));
    }
    return union;
  }, [matches]);
  const key = scopeKey(scope);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the scope
  useEffect(() => hub.setPage(scope), [key]);

  const navigation = useNavigation();
  useEffect(() => {
    if (navigation.state === 'idle') hub.settle();
  }, [navigation.state]);

  useEffect(() => {
    hub.start(() => {
      if (hub.hasPageScope()) refresh(0);
    });
    let hiddenAt: number | null = null;
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        hiddenAt = Date.now();
        return;
      }
      if (hiddenAt === null) return;
      hiddenAt = null;
      // Timers and sockets may have slept with the tab: re-read, and reconnect if given up.
      if (hub.state.status === 'offline') hub.retry();
      else if (hub.hasPageScope()) refresh(0);
    };
    const onOnline = () => {
      if (hub.state.status === 'offline') hub.retry();
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('online', onOnline);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('online', onOnline);
      hub.stop();
    };
  }, [refresh]);

  return <RefreshContext.Provider value={refresh}>{children}</RefreshContext.Provider>;
}

/** Re-reads never follow each other closer than this (a storm of events re-reads calmly). */
const MIN_GAP_MS = 1_000;

/**
 * `refresh(withinMs)`: the page's loaders run again at the latest `withinMs` from now. Asks
 * that fall before a re-read already scheduled are absorbed by it, so a steady stream of
 * readings with `refresh(5_000)` re-reads once every five seconds, and an alert's
 * `refresh(0)` brings the next one forward.
 */
function useThrottledRefresh(run: () => void): Refresh {
  const lastAt = useRef(0);
  const dueAt = useRef(Number.POSITIVE_INFINITY);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback((withinMs: number) => {
    const now = Date.now();
    const due = Math.max(now + withinMs, lastAt.current + MIN_GAP_MS);
    if (due >= dueAt.current) return;
    clearTimeout(timer.current);
    dueAt.current = due;
    timer.current = setTimeout(() => {
      dueAt.current = Number.POSITIVE_INFINITY;
      lastAt.current = Date.now();
      runRef.current();
    }, due - now);
  }, []);
}

/** The connection's state, for the indicator (`connecting` while rendered on the server). */
export function useLiveStatus(): LiveState & { retry: () => void } {
  const state = useSyncExternalStore(hub.onState, hub.getState, () => CONNECTING);
  return { ...state, retry: () => hub.retry() };
}
const CONNECTING: LiveState = { status: 'connecting' };

/** Ask for the page's loaders to run again within `withinMs` (shared by the whole page). */
export function useLiveRefresh(): Refresh {
  return useContext(RefreshContext);
}

/** Calls `handler` for every live event (those of the page's scope, and of a page loading). */
export function useLiveEvents(handler: (event: LiveEvent) => void) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => hub.on((event) => ref.current(event)), []);
}

type Held<T> = { data: T; value: T; upTo: number };

/**
 * Loader data with live events folded in by `reduce` (which must ignore what it has already
 * seen: events are folded again into fresh data). New loader data (a navigation, a re-read)
 * starts over from it, with the events of the last half minute folded in, since the re-read
 * may have run before they were committed.
 */
export function useLiveState<T>(data: T, reduce: (state: T, event: LiveEvent) => T): T {
  const reduceRef = useRef(reduce);
  reduceRef.current = reduce;
  const fresh = (d: T): Held<T> => {
    let value = d;
    let upTo = 0;
    for (const { n, event } of hub.recent()) {
      value = reduceRef.current(value, event);
      upTo = n;
    }
    return { data: d, value, upTo };
  };
  const [held, setHeld] = useState<Held<T>>(() => fresh(data));
  let current = held;
  if (held.data !== data) {
    current = fresh(data);
    setHeld(current);
  }
  useEffect(() => {
    const apply = (event: LiveEvent, n: number) =>
      setHeld((h) =>
        n <= h.upTo ? h : { ...h, value: reduceRef.current(h.value, event), upTo: n },
      );
    // Whatever arrived between the render and this effect.
    for (const { n, event } of hub.recent()) apply(event, n);
    return hub.on(apply);
  }, []);
  return current.value;
}

/**
 * Re-reads the page when events it cannot fold in arrive: `within` answers how soon (ms) for
 * an event, or false to ignore it. A burst of events re-reads once (see useThrottledRefresh).
 */
export function useLiveRefreshOn(within: (event: LiveEvent) => number | false) {
  const refresh = useLiveRefresh();
  useLiveEvents((event) => {
    const ms = within(event);
    if (ms !== false) refresh(ms);
  });
}

/** Every facility the member may see (the room leaves out the others). */
export const ALL_FACILITIES: LiveScope = { facilityIds: 'all', deviceIds: [] };
