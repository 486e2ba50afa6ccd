import { OVERFLOW, RedisError, wrongArity } from '../errors';
import { INT64_MAX, INT64_MIN, intArg, toInt64 } from '../numbers';
import { OK, type Reply } from '../reply';
import type { Store } from '../store';
import { type CommandTable, deleteIfEmpty, typed } from './types';

/** The hash at `key`, created (not yet stored) when missing. */
function hashFor(store: Store, key: string) {
  return typed(store, key, 'hash') ?? { type: 'hash' as const, value: new Map<string, string>() };
}

/** HSET and HMSET: write field/value pairs, answering how many fields are new. */
function writeFields(cmd: string, store: Store, [key, ...pairs]: string[]) {
  if (pairs.length % 2 !== 0) throw wrongArity(cmd);
  const hash = hashFor(store, key!);
  let added = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    if (!hash.value.has(pairs[i]!)) added++;
    hash.value.set(pairs[i]!, pairs[i + 1]!);
  }
  store.set(key!, hash);
  return added;
}

export const hashCommands: CommandTable = {
  hset: { arity: -4, run: (store, args) => writeFields('hset', store, args) },
  hmset: {
    arity: -4,
    run: (store, args): Reply => {
      writeFields('hmset', store, args);
      return OK;
    },
  },
  hsetnx: {
    arity: 4,
    run: (store, [key, field, value]) => {
      const hash = hashFor(store, key!);
      if (hash.value.has(field!)) return 0;
      hash.value.set(field!, value!);
      store.set(key!, hash);
      return 1;
    },
  },
  hget: {
    arity: 3,
    run: (store, [key, field]) => typed(store, key!, 'hash')?.value.get(field!) ?? null,
  },
  hmget: {
    arity: -3,
    run: (store, [key, ...fields]) => {
      const hash = typed(store, key!, 'hash');
      return fields.map((field) => hash?.value.get(field) ?? null);
    },
  },
  hgetall: {
    arity: 2,
    run: (store, [key]) => [...(typed(store, key!, 'hash')?.value ?? [])].flat(),
  },
  hkeys: { arity: 2, run: (store, [key]) => [...(typed(store, key!, 'hash')?.value.keys() ?? [])] },
  hvals: {
    arity: 2,
    run: (store, [key]) => [...(typed(store, key!, 'hash')?.value.values() ?? [])],
  },
  hexists: {
    arity: 3,
    run: (store, [key, field]) => (typed(store, key!, 'hash')?.value.has(field!) ? 1 : 0),
  },
  hlen: { arity: 2, run: (store, [key]) => typed(store, key!, 'hash')?.value.size ?? 0 },
  hdel: {
    arity: -3,
    run: (store, [key, ...fields]) => {
      const hash = typed(store, key!, 'hash');
      if (!hash) return 0;
      const removed = fields.filter((field) => hash.value.delete(field)).length;
      deleteIfEmpty(store, key!, hash.value.size);
      return removed;
    },
  },
  hincrby: {
    arity: 4,
    run: (store, [key, field, delta]) => {
      const increment = intArg(delta!);
      const hash = hashFor(store, key!);
      const stored = hash.value.get(field!);
      const current = stored === undefined ? 0n : toInt64(stored);
      if (current === undefined) throw new RedisError('ERR hash value is not an integer');
      const next = current + increment;
      if (next > INT64_MAX || next < INT64_MIN) throw new RedisError(OVERFLOW);
      hash.value.set(field!, next.toString());
      store.set(key!, hash);
      return Number(next);
    },
  },
};
