import { RedisError, SYNTAX } from '../errors';
import { doubleArg, formatDouble, numberArg, toDouble } from '../numbers';
import type { Reply } from '../reply';
import type { Store } from '../store';
import { type CommandTable, deleteIfEmpty, typed } from './types';

type ZSet = Map<string, number>;

// Redis orders equal scores by member bytes (memcmp), not by UTF-16 code units.
function compareMembers(a: string, b: string) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Members in Redis order: ascending score, then member bytes. Sorted on every read, which is
 * O(n log n) instead of a skiplist's O(log n); fine for the sizes a dev stack sees.
 */
function ordered(zset: ZSet): [string, number][] {
  return [...zset].sort(([ma, sa], [mb, sb]) => sa - sb || compareMembers(ma, mb));
}

type ScoreRange = { min: number; max: number; minExclusive: boolean; maxExclusive: boolean };

// `(` makes a bound exclusive, as in Redis' zslParseRange.
function scoreRange(minText: string, maxText: string): ScoreRange {
  const parse = (text: string) => {
    const exclusive = text.startsWith('(');
    const value = toDouble(exclusive ? text.slice(1) : text);
    if (value === undefined) throw new RedisError('ERR min or max is not a float');
    return { value, exclusive };
  };
  const min = parse(minText);
  const max = parse(maxText);
  return {
    min: min.value,
    max: max.value,
    minExclusive: min.exclusive,
    maxExclusive: max.exclusive,
  };
}

function inScoreRange(score: number, range: ScoreRange) {
  const aboveMin = range.minExclusive ? score > range.min : score >= range.min;
  const belowMax = range.maxExclusive ? score < range.max : score <= range.max;
  return aboveMin && belowMax;
}

type LexBound = { value: string; exclusive: boolean } | '-' | '+';

// `-` and `+` are the open ends; every other bound must start with `[` (inclusive) or `(`.
function lexBound(text: string): LexBound {
  if (text === '-' || text === '+') return text;
  if (text.startsWith('[') || text.startsWith('(')) {
    return { value: text.slice(1), exclusive: text.startsWith('(') };
  }
  throw new RedisError('ERR min or max not valid string range item');
}

function inLexRange(member: string, min: LexBound, max: LexBound) {
  const aboveMin =
    min === '-' || (min !== '+' && compareMembers(member, min.value) >= (min.exclusive ? 1 : 0));
  const belowMax =
    max === '+' || (max !== '-' && compareMembers(member, max.value) <= (max.exclusive ? -1 : 0));
  return aboveMin && belowMax;
}

type ZAddFlags = { nx: boolean; xx: boolean; gt: boolean; lt: boolean; ch: boolean; incr: boolean };

/** ZADD, after Redis' zaddGenericCommand: every score is validated before anything is written. */
function zadd(store: Store, [key, ...args]: string[]): Reply {
  const flags: ZAddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  let i = 0;
  for (; i < args.length; i++) {
    const flag = args[i]!.toLowerCase();
    if (!Object.hasOwn(flags, flag)) break;
    flags[flag as keyof ZAddFlags] = true;
  }
  const pairs = args.slice(i);
  if (pairs.length === 0 || pairs.length % 2 !== 0) throw new RedisError(SYNTAX);
  if (flags.nx && flags.xx) {
    throw new RedisError('ERR XX and NX options at the same time are not compatible');
  }
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    throw new RedisError('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (flags.incr && pairs.length > 2) {
    throw new RedisError('ERR INCR option supports a single increment-element pair');
  }
  const scores: number[] = [];
  for (let j = 0; j < pairs.length; j += 2) scores.push(doubleArg(pairs[j]!));

  const existing = typed(store, key!, 'zset');
  if (!existing && flags.xx) return flags.incr ? null : 0;
  const zset = existing ?? { type: 'zset' as const, value: new Map<string, number>() };
  let added = 0;
  let updated = 0;
  let lastScore: number | null = null;
  for (let j = 0; j < scores.length; j++) {
    const member = pairs[j * 2 + 1]!;
    let score = scores[j]!;
    const current = zset.value.get(member);
    lastScore = null;
    if (current === undefined) {
      if (flags.xx) continue;
      zset.value.set(member, score);
      added++;
    } else {
      if (flags.nx) continue;
      if (flags.incr) {
        score += current;
        if (Number.isNaN(score)) {
          throw new RedisError('ERR resulting score is not a number (NaN)');
        }
      }
      if ((flags.lt && score >= current) || (flags.gt && score <= current)) continue;
      if (score !== current) {
        zset.value.set(member, score);
        updated++;
      }
    }
    lastScore = score;
  }
  if (zset.value.size > 0) store.set(key!, zset);
  if (flags.incr) return lastScore === null ? null : formatDouble(lastScore);
  return flags.ch ? added + updated : added;
}

/** ZRANGE in its Redis 6.2+ form: by rank, BYSCORE or BYLEX, with REV, LIMIT and WITHSCORES. */
function zrange(store: Store, [key, startText, stopText, ...options]: string[]): Reply {
  let by: 'rank' | 'score' | 'lex' = 'rank';
  let rev = false;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toLowerCase();
    if (option === 'withscores') {
      withScores = true;
    } else if (option === 'limit' && i + 2 < options.length) {
      offset = numberArg(options[i + 1]!);
      limit = numberArg(options[i + 2]!);
      i += 2;
    } else if (option === 'rev' && !rev) {
      rev = true;
    } else if ((option === 'byscore' || option === 'bylex') && by === 'rank') {
      by = option === 'byscore' ? 'score' : 'lex';
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  // Redis tests `limit != -1`, so an explicit LIMIT 0 -1 on a rank range slips through; so do we.
  if (limit !== -1 && by === 'rank') {
    throw new RedisError(
      'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
  }
  if (withScores && by === 'lex') {
    throw new RedisError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  }
  // With REV, score and lex ranges are written max first.
  const [minText, maxText] =
    rev && by !== 'rank' ? [stopText!, startText!] : [startText!, stopText!];

  let select: (members: [string, number][]) => [string, number][];
  if (by === 'rank') {
    const start = numberArg(minText);
    const stop = numberArg(maxText);
    select = (members) => {
      const length = members.length;
      let from = start < 0 ? start + length : start;
      const to = Math.min(stop < 0 ? stop + length : stop, length - 1);
      if (from < 0) from = 0;
      return from > to || from >= length ? [] : members.slice(from, to + 1);
    };
  } else {
    let matches: (entry: [string, number]) => boolean;
    if (by === 'score') {
      const range = scoreRange(minText, maxText);
      matches = ([, score]) => inScoreRange(score, range);
    } else {
      const min = lexBound(minText);
      const max = lexBound(maxText);
      matches = ([member]) => inLexRange(member, min, max);
    }
    select = (members) => {
      // A negative offset skips everything in Redis; a negative count means "no limit".
      if (offset < 0) return [];
      const inRange = members.filter(matches).slice(offset);
      return limit < 0 ? inRange : inRange.slice(0, limit);
    };
  }

  const zset = typed(store, key!, 'zset');
  if (!zset) return [];
  const members = ordered(zset.value);
  if (rev) members.reverse();
  const selected = select(members);
  return withScores
    ? selected.flatMap(([member, score]) => [member, formatDouble(score)])
    : selected.map(([member]) => member);
}

export const sortedSetCommands: CommandTable = {
  zadd: { arity: -4, run: zadd },
  zincrby: {
    arity: 4,
    run: (store, [key, increment, member]) => zadd(store, [key!, 'incr', increment!, member!]),
  },
  zrange: { arity: -4, run: zrange },
  zcard: { arity: 2, run: (store, [key]) => typed(store, key!, 'zset')?.value.size ?? 0 },
  zscore: {
    arity: 3,
    run: (store, [key, member]) => {
      const score = typed(store, key!, 'zset')?.value.get(member!);
      return score === undefined ? null : formatDouble(score);
    },
  },
  zcount: {
    arity: 4,
    run: (store, [key, min, max]) => {
      const range = scoreRange(min!, max!);
      const zset = typed(store, key!, 'zset');
      return [...(zset?.value.values() ?? [])].filter((score) => inScoreRange(score, range)).length;
    },
  },
  zrem: {
    arity: -3,
    run: (store, [key, ...members]) => {
      const zset = typed(store, key!, 'zset');
      if (!zset) return 0;
      const removed = members.filter((member) => zset.value.delete(member)).length;
      deleteIfEmpty(store, key!, zset.value.size);
      return removed;
    },
  },
  zremrangebyscore: {
    arity: 4,
    run: (store, [key, min, max]) => {
      const range = scoreRange(min!, max!);
      const zset = typed(store, key!, 'zset');
      if (!zset) return 0;
      let removed = 0;
      for (const [member, score] of zset.value) {
        if (inScoreRange(score, range) && zset.value.delete(member)) removed++;
      }
      deleteIfEmpty(store, key!, zset.value.size);
      return removed;
    },
  },
};
