/** The value of one key; collections are plain JS containers, the emulator never needs more. */
export type Value =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Map<string, string> }
  | { type: 'list'; value: string[] }
  | { type: 'set'; value: Set<string> }
  | { type: 'zset'; value: Map<string, number> };

export type ValueType = Value['type'];

/** A stored key: its value and, when it has a TTL, the absolute expiry in ms since the epoch. */
export type Entry = Value & { expiresAt?: number };

export type StoreOptions = {
  /** Clock in ms since the epoch; tests inject one to step time without sleeping. */
  now?: () => number;
  /** How often expired keys nobody reads are purged; 0 disables the sweep. */
  sweepIntervalMs?: number;
};

/**
 * The keyspace: a Map of key → entry with Redis expiry semantics. A key whose expiry has passed is
 * gone for every read (lazy expiry, as Redis does on access), and a periodic sweep frees the memory
 * of expired keys that nobody reads again.
 */
export class Store {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;
  private readonly sweeper: NodeJS.Timeout | undefined;
  private snapshot: number | undefined;

  constructor({ now = Date.now, sweepIntervalMs = 1000 }: StoreOptions = {}) {
    this.clock = now;
    if (sweepIntervalMs > 0) {
      // unref: a forgotten close() must not keep a test run or `npm run dev` alive.
      this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
      this.sweeper.unref();
    }
  }

  /** Current time in ms; fixed for the duration of `atomically`, like Redis' command time snapshot. */
  now() {
    return this.snapshot ?? this.clock();
  }

  /**
   * Runs `fn` with one clock reading for all of it, so a key cannot expire halfway through a command
   * or a transaction (Redis takes the same snapshot for a whole MULTI/EXEC).
   */
  atomically<T>(fn: () => T): T {
    if (this.snapshot !== undefined) return fn();
    this.snapshot = this.clock();
    try {
      return fn();
    } finally {
      this.snapshot = undefined;
    }
  }

  /** The live entry for `key`, deleting it first if it has expired. */
  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.isExpired(entry, this.now())) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Stores `entry` under `key`, replacing any previous value and TTL. */
  set(key: string, entry: Entry) {
    this.entries.set(key, entry);
  }

  /** Deletes `key`; true if a live key was there. */
  delete(key: string) {
    return this.get(key) !== undefined && this.entries.delete(key);
  }

  /** Live keys, in insertion order. */
  keys(): string[] {
    const now = this.now();
    const live: string[] = [];
    for (const [key, entry] of this.entries) {
      if (!this.isExpired(entry, now)) live.push(key);
    }
    return live;
  }

  /** Number of live keys. */
  size() {
    return this.keys().length;
  }

  /** Number of stored entries including expired ones not yet purged (for tests of the sweep). */
  storedCount() {
    return this.entries.size;
  }

  /** Drops every key. */
  flush() {
    this.entries.clear();
  }

  /** Purges expired keys; runs on the timer, callable directly in tests. */
  sweep() {
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      if (this.isExpired(entry, now)) this.entries.delete(key);
    }
  }

  /** Stops the sweep timer. */
  close() {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  // Redis keeps a key alive up to and including its expiry millisecond (`now > when` expires it).
  private isExpired(entry: Entry, now: number) {
    return entry.expiresAt !== undefined && now > entry.expiresAt;
  }
}
