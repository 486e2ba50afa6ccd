import { invalidExpireTime, RedisError, SYNTAX, wrongArity } from '../errors';
import { globMatch } from '../glob';
import { INT64_MAX, intArg, numberArg } from '../numbers';
import { OK, type Reply } from '../reply';
import type { Store } from '../store';
import type { CommandTable } from './types';

type ExpireFlag = 'nx' | 'xx' | 'gt' | 'lt';

// Mirrors Redis 7's parseExtendedExpireArgumentsOrReply.
function parseExpireFlags(options: string[]) {
  const flags = new Set<ExpireFlag>();
  for (const option of options) {
    const flag = option.toLowerCase();
    if (flag !== 'nx' && flag !== 'xx' && flag !== 'gt' && flag !== 'lt') {
      throw new RedisError(`ERR Unsupported option ${option}`);
    }
    flags.add(flag);
  }
  if (flags.has('nx') && (flags.has('xx') || flags.has('gt') || flags.has('lt'))) {
    throw new RedisError('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags.has('gt') && flags.has('lt')) {
    throw new RedisError('ERR GT and LT options at the same time are not compatible');
  }
  return flags;
}

/** EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, after Redis' expireGenericCommand. */
function expireCommand(cmd: string, unit: 'seconds' | 'ms', relative: boolean) {
  return (store: Store, [key, amount, ...options]: string[]): Reply => {
    const flags = parseExpireFlags(options);
    let when = intArg(amount!);
    if (unit === 'seconds') {
      if (when > INT64_MAX / 1000n || when < -INT64_MAX / 1000n) throw invalidExpireTime(cmd);
      when *= 1000n;
    }
    if (relative) {
      const now = BigInt(store.now());
      if (when > INT64_MAX - now) throw invalidExpireTime(cmd);
      when += now;
    }
    const entry = store.get(key!);
    if (!entry) return 0;
    const current = entry.expiresAt;
    const expiresAt = Math.max(
      Math.min(Number(when), Number.MAX_SAFE_INTEGER),
      Number.MIN_SAFE_INTEGER,
    );
    // A key without TTL counts as "expires never": GT can never beat it, LT always does.
    if (flags.has('nx') && current !== undefined) return 0;
    if (flags.has('xx') && current === undefined) return 0;
    if (flags.has('gt') && (current === undefined || expiresAt <= current)) return 0;
    if (flags.has('lt') && current !== undefined && expiresAt >= current) return 0;
    if (expiresAt <= store.now()) {
      store.delete(key!);
    } else {
      entry.expiresAt = expiresAt;
    }
    return 1;
  };
}

function ttlCommand(unit: 'seconds' | 'ms') {
  return (store: Store, [key]: string[]): Reply => {
    const entry = store.get(key!);
    if (!entry) return -2;
    if (entry.expiresAt === undefined) return -1;
    const remaining = Math.max(entry.expiresAt - store.now(), 0);
    // Redis rounds TTL to the nearest second: (ms + 500) / 1000 in integer arithmetic.
    return unit === 'ms' ? remaining : Math.floor((remaining + 500) / 1000);
  };
}

/** 32-bit FNV-1a: a stable position for each key in SCAN's iteration order. */
function slotOf(key: string) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * SCAN with Redis' guarantee that a key present for the whole iteration is returned at least once,
 * however keys come and go between calls: keys are visited in order of a hash of the key, and the
 * cursor is the next hash to visit. Like Redis, MATCH and TYPE filter after COUNT keys are taken,
 * so a page may be empty while the cursor is not yet 0; callers must loop until cursor "0".
 */
function scan(store: Store, [cursorText, ...options]: string[]): Reply {
  if (!/^[0-9]+$/.test(cursorText!) || BigInt(cursorText!) > UINT64_MAX) {
    throw new RedisError('ERR invalid cursor');
  }
  const cursor = Number(BigInt(cursorText!));
  let count = 10;
  let pattern: string | undefined;
  let type: string | undefined;
  let withType = false;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toLowerCase();
    const value = options[i + 1];
    if (option === 'count' && value !== undefined) {
      count = numberArg(value);
      if (count < 1) throw new RedisError(SYNTAX);
      i++;
    } else if (option === 'match' && value !== undefined) {
      pattern = value;
      i++;
    } else if (option === 'type' && value !== undefined) {
      type = value.toLowerCase();
      i++;
    } else if (option === 'withtype') {
      // Upstash's extension, sent by the client's scan(cursor, { withType: true }).
      withType = true;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  const remaining = store
    .keys()
    .map((key) => ({ key, slot: slotOf(key) }))
    .filter(({ slot }) => slot >= cursor)
    .sort((a, b) => a.slot - b.slot || (a.key < b.key ? -1 : 1));
  let taken = 0;
  // Never split one hash value across pages, or a cursor could not say where to resume.
  while (
    taken < remaining.length &&
    (taken < count || remaining[taken]!.slot === remaining[taken - 1]!.slot)
  ) {
    taken++;
  }
  const next = taken < remaining.length ? String(remaining[taken]!.slot) : '0';
  const page: string[] = [];
  for (const { key } of remaining.slice(0, taken)) {
    const entry = store.get(key)!;
    if (pattern !== undefined && !globMatch(pattern, key)) continue;
    if (type !== undefined && entry.type !== type) continue;
    page.push(key);
    if (withType) page.push(entry.type);
  }
  return [next, page];
}

function flush(store: Store, args: string[]): Reply {
  const mode = args[0]?.toLowerCase();
  if (args.length > 1 || (mode !== undefined && mode !== 'sync' && mode !== 'async')) {
    throw new RedisError(SYNTAX);
  }
  store.flush();
  return OK;
}

function deleteKeys(store: Store, keys: string[]): Reply {
  return keys.filter((key) => store.delete(key)).length;
}

export const keyspaceCommands: CommandTable = {
  ping: {
    arity: -1,
    run: (_store, args) => {
      if (args.length > 1) throw wrongArity('ping');
      return args[0] ?? 'PONG';
    },
  },
  echo: { arity: 2, run: (_store, [message]) => message! },
  del: { arity: -2, run: deleteKeys },
  unlink: { arity: -2, run: deleteKeys },
  // EXISTS counts a key once per time it is named, as Redis does.
  exists: { arity: -2, run: (store, keys) => keys.filter((key) => store.get(key)).length },
  type: { arity: 2, run: (store, [key]) => store.get(key!)?.type ?? 'none' },
  expire: { arity: -3, run: expireCommand('expire', 'seconds', true) },
  pexpire: { arity: -3, run: expireCommand('pexpire', 'ms', true) },
  expireat: { arity: -3, run: expireCommand('expireat', 'seconds', false) },
  pexpireat: { arity: -3, run: expireCommand('pexpireat', 'ms', false) },
  persist: {
    arity: 2,
    run: (store, [key]) => {
      const entry = store.get(key!);
      if (entry?.expiresAt === undefined) return 0;
      entry.expiresAt = undefined;
      return 1;
    },
  },
  ttl: { arity: 2, run: ttlCommand('seconds') },
  pttl: { arity: 2, run: ttlCommand('ms') },
  keys: { arity: 2, run: (store, [pattern]) => store.keys().filter((k) => globMatch(pattern!, k)) },
  scan: { arity: -2, run: scan },
  dbsize: { arity: 1, run: (store) => store.size() },
  flushdb: { arity: -1, run: flush },
  flushall: { arity: -1, run: flush },
};
