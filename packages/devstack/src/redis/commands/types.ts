import { RedisError, WRONGTYPE } from '../errors';
import type { Reply } from '../reply';
import type { Entry, Store, ValueType } from '../store';

/**
 * One command. `arity` follows Redis' command table (it counts the command name; negative means
 * "at least"), so argument-count errors are caught before running, as Redis does when queuing.
 * `run` gets the arguments after the name and throws RedisError for error replies.
 */
export type CommandSpec = { arity: number; run: (store: Store, args: string[]) => Reply };

export type CommandTable = Record<string, CommandSpec>;

/** The entry at `key` if it holds `type`; undefined if missing; WRONGTYPE if it holds another. */
export function typed<T extends ValueType>(store: Store, key: string, type: T) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.type !== type) throw new RedisError(WRONGTYPE);
  return entry as Extract<Entry, { type: T }>;
}

/** Redis deletes a collection key once its last element is gone; callers do the same. */
export function deleteIfEmpty(store: Store, key: string, size: number) {
  if (size === 0) store.delete(key);
}
