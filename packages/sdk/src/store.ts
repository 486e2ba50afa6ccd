/** A reading as the caller hands it to `send`: `ts` may be a Date, an ISO string or unix ms. */
export type Reading = {
  ts: Date | string | number;
  seq?: number;
  metrics: Record<string, number>;
};

/** A reading as buffered and sent: `ts` already serialised (Dates become ISO strings). */
export type BufferedReading = {
  ts: string | number;
  seq?: number;
  metrics: Record<string, number>;
};

/** FIFO buffer of readings not yet acknowledged by the server. */
export type ReadingStore = {
  /** Resolves only once the readings are as durable as the store can make them. */
  append(readings: BufferedReading[]): Promise<void>;
  /** The oldest `n` readings, without removing them. */
  peek(n: number): Promise<BufferedReading[]>;
  /** Drops the oldest `n` readings (called only after the server acknowledged them). */
  remove(n: number): Promise<void>;
  size(): Promise<number>;
};

/** In-memory store: survives network outages, not process restarts. */
export function memoryStore(): ReadingStore {
  let items: BufferedReading[] = [];
  return {
    async append(readings) {
      items.push(...readings);
    },
    async peek(n) {
      return items.slice(0, n);
    },
    async remove(n) {
      items = items.slice(n);
    },
    async size() {
      return items.length;
    },
  };
}

/**
 * Validates and serialises a caller's reading. Throws before anything is buffered, because a
 * NaN/Infinity metric would serialise as `null` and a bad `ts` would be rejected forever.
 */
export function toBufferedReading(reading: Reading): BufferedReading {
  const { ts, seq, metrics } = reading;
  let wireTs: string | number;
  if (ts instanceof Date) {
    if (Number.isNaN(ts.getTime())) throw new TypeError('reading.ts is an invalid Date');
    wireTs = ts.toISOString();
  } else if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) throw new TypeError('reading.ts must be a finite unix ms number');
    wireTs = ts;
  } else if (typeof ts === 'string') {
    wireTs = ts;
  } else {
    throw new TypeError('reading.ts must be a Date, an ISO string or unix ms');
  }
  if (seq !== undefined && !Number.isSafeInteger(seq)) {
    throw new TypeError('reading.seq must be an integer');
  }
  if (typeof metrics !== 'object' || metrics === null) {
    throw new TypeError('reading.metrics must be an object');
  }
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`reading.metrics.${name} must be a finite number`);
    }
  }
  // Copy so later mutation of the caller's object cannot change what was buffered.
  return seq === undefined
    ? { ts: wireTs, metrics: { ...metrics } }
    : { ts: wireTs, seq, metrics: { ...metrics } };
}
