import {
  invalidExpireTime,
  NOT_INTEGER,
  OVERFLOW,
  RedisError,
  SYNTAX,
  wrongArity,
} from '../errors';
import { addDecimalStrings, INT64_MAX, INT64_MIN, intArg, toInt64 } from '../numbers';
import { OK, type Reply } from '../reply';
import type { Store } from '../store';
import { type CommandTable, typed } from './types';

const MS_PER_SECOND = 1000n;

/**
 * Parses a relative or absolute expiry the way Redis' getExpireMillisecondsOrReply does and returns
 * the absolute expiry in ms. Zero, negatives and overflow are "invalid expire time" errors.
 */
function expiryArg(store: Store, text: string, unit: 'ex' | 'px' | 'exat' | 'pxat', cmd: string) {
  let value = intArg(text);
  if (value <= 0n) throw invalidExpireTime(cmd);
  if (unit === 'ex' || unit === 'exat') {
    if (value > INT64_MAX / MS_PER_SECOND) throw invalidExpireTime(cmd);
    value *= MS_PER_SECOND;
  }
  if (unit === 'ex' || unit === 'px') {
    value += BigInt(store.now());
    if (value > INT64_MAX) throw invalidExpireTime(cmd);
  }
  // Past Number.MAX_SAFE_INTEGER ms (year 287396) the expiry is "never" for every practical purpose.
  return Math.min(Number(value), Number.MAX_SAFE_INTEGER);
}

type SetOptions = {
  condition?: 'nx' | 'xx';
  get: boolean;
  keepTtl: boolean;
  expiry?: { unit: 'ex' | 'px' | 'exat' | 'pxat'; text: string };
};

// Mirrors Redis' parseExtendedStringArgumentsOrReply: any repeated or conflicting option is a syntax
// error, and the expiry number is only parsed after the options are known to be well formed.
function parseSetOptions(options: string[]): SetOptions {
  const parsed: SetOptions = { get: false, keepTtl: false };
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toLowerCase();
    const next = options[i + 1];
    if ((option === 'nx' || option === 'xx') && !parsed.condition) {
      parsed.condition = option;
    } else if (option === 'get' && !parsed.get) {
      parsed.get = true;
    } else if (option === 'keepttl' && !parsed.keepTtl && !parsed.expiry) {
      parsed.keepTtl = true;
    } else if (
      (option === 'ex' || option === 'px' || option === 'exat' || option === 'pxat') &&
      next !== undefined &&
      !parsed.expiry &&
      !parsed.keepTtl
    ) {
      parsed.expiry = { unit: option, text: next };
      i++;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  return parsed;
}

function set(store: Store, [key, value, ...rest]: string[]): Reply {
  const options = parseSetOptions(rest);
  const expiresAt = options.expiry
    ? expiryArg(store, options.expiry.text, options.expiry.unit, 'set')
    : undefined;
  // SET … GET answers the old value and refuses (WRONGTYPE) before writing if it is not a string.
  const previous = options.get ? (typed(store, key!, 'string')?.value ?? null) : undefined;
  const existing = store.get(key!);
  const blocked =
    (options.condition === 'nx' && existing) || (options.condition === 'xx' && !existing);
  if (!blocked) {
    const keptExpiry = options.keepTtl ? existing?.expiresAt : undefined;
    if (expiresAt !== undefined && expiresAt <= store.now()) {
      // An EXAT/PXAT already in the past deletes the key, as Redis 7 does.
      store.delete(key!);
    } else {
      store.set(key!, { type: 'string', value: value!, expiresAt: expiresAt ?? keptExpiry });
    }
  }
  if (options.get) return previous ?? null;
  return blocked ? null : OK;
}

function setWithExpiry(unit: 'ex' | 'px', cmd: string) {
  return (store: Store, [key, ttl, value]: string[]): Reply => {
    const expiresAt = expiryArg(store, ttl!, unit, cmd);
    store.set(key!, { type: 'string', value: value!, expiresAt });
    return OK;
  };
}

/** Adds `delta` to the integer at `key`, keeping its TTL, with Redis' overflow check. */
function incrementBy(store: Store, key: string, delta: bigint): Reply {
  const entry = typed(store, key, 'string');
  const current = entry ? toInt64(entry.value) : 0n;
  if (current === undefined) throw new RedisError(NOT_INTEGER);
  const next = current + delta;
  if (next > INT64_MAX || next < INT64_MIN) throw new RedisError(OVERFLOW);
  store.set(key, { type: 'string', value: next.toString(), expiresAt: entry?.expiresAt });
  // Integers past 2^53 lose precision in JSON anyway; Upstash's client parses them as JS numbers.
  return Number(next);
}

export const stringCommands: CommandTable = {
  get: { arity: 2, run: (store, [key]) => typed(store, key!, 'string')?.value ?? null },
  set: { arity: -3, run: set },
  setex: { arity: 4, run: setWithExpiry('ex', 'setex') },
  psetex: { arity: 4, run: setWithExpiry('px', 'psetex') },
  setnx: {
    arity: 3,
    run: (store, [key, value]) => {
      if (store.get(key!)) return 0;
      store.set(key!, { type: 'string', value: value! });
      return 1;
    },
  },
  getdel: {
    arity: 2,
    run: (store, [key]) => {
      const entry = typed(store, key!, 'string');
      if (!entry) return null;
      store.delete(key!);
      return entry.value;
    },
  },
  mget: {
    arity: -2,
    // MGET never errors on type: a key holding something else reads as nil.
    run: (store, keys) =>
      keys.map((key) => {
        const entry = store.get(key);
        return entry?.type === 'string' ? entry.value : null;
      }),
  },
  mset: {
    arity: -3,
    run: (store, args) => {
      if (args.length % 2 !== 0) throw wrongArity('mset');
      for (let i = 0; i < args.length; i += 2) {
        store.set(args[i]!, { type: 'string', value: args[i + 1]! });
      }
      return OK;
    },
  },
  incr: { arity: 2, run: (store, [key]) => incrementBy(store, key!, 1n) },
  decr: { arity: 2, run: (store, [key]) => incrementBy(store, key!, -1n) },
  incrby: { arity: 3, run: (store, [key, delta]) => incrementBy(store, key!, intArg(delta!)) },
  decrby: {
    arity: 3,
    run: (store, [key, delta]) => {
      const value = intArg(delta!);
      if (value === INT64_MIN) throw new RedisError('ERR decrement would overflow');
      return incrementBy(store, key!, -value);
    },
  },
  incrbyfloat: {
    arity: 3,
    run: (store, [key, delta]) => {
      const entry = typed(store, key!, 'string');
      const next = addDecimalStrings(entry?.value ?? '0', delta!);
      store.set(key!, { type: 'string', value: next, expiresAt: entry?.expiresAt });
      return next;
    },
  },
};
