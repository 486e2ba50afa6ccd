import type { Reply } from './http.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type Entry = { fingerprint: string; reply: Reply; expiresAt: number };

export type IdempotencyLookup =
  | { kind: 'miss' }
  | { kind: 'replay'; reply: Reply }
  | { kind: 'conflict' };

export type IdempotencyStore = {
  lookup(key: string, fingerprint: string): IdempotencyLookup;
  remember(key: string, fingerprint: string, reply: Reply): void;
  clear(): void;
};

/**
 * Remembers successful replies by Idempotency-Key for 24 hours, as Resend does: the same key
 * with the same request replays the reply, with a different request it is a conflict.
 */
export function createIdempotencyStore({
  ttlMs = DAY_MS,
  maxEntries = 10_000,
  now = Date.now,
}: {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
} = {}): IdempotencyStore {
  // A Map iterates in insertion order, so the first entries are the oldest.
  const entries = new Map<string, Entry>();
  const prune = () => {
    const time = now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt > time && entries.size <= maxEntries) break;
      entries.delete(key);
    }
  };
  return {
    lookup(key, fingerprint) {
      prune();
      const entry = entries.get(key);
      if (!entry) return { kind: 'miss' };
      return entry.fingerprint === fingerprint
        ? { kind: 'replay', reply: entry.reply }
        : { kind: 'conflict' };
    },
    remember(key, fingerprint, reply) {
      entries.set(key, { fingerprint, reply, expiresAt: now() + ttlMs });
      prune();
    },
    clear() {
      entries.clear();
    },
  };
}
