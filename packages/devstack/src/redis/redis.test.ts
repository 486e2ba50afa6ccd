import { randomUUID } from 'node:crypto';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PortInUseError } from '../net/listen';
import { globMatch } from './glob';
import { type RunningRedis, startRedisEmulator } from './index';
import { Store } from './store';

const TOKEN = `tok_${randomUUID()}`;
const START = 1_700_000_000_000;

let emulator: RunningRedis;
/** The client exactly as production builds it: auto-pipelining and base64 responses on. */
let redis: Redis;
/** Auto-pipelining off, so each command is a `POST /` and errors come back as HTTP 400. */
let direct: Redis;

// A second emulator on a hand-driven clock, for exact TTL arithmetic without sleeping.
let clock = START;
let timed: RunningRedis;
let timedRedis: Redis;

beforeAll(async () => {
  emulator = await startRedisEmulator({ port: 0, token: TOKEN });
  redis = new Redis({ url: emulator.url, token: TOKEN });
  direct = new Redis({ url: emulator.url, token: TOKEN, enableAutoPipelining: false });
  timed = await startRedisEmulator({ port: 0, token: TOKEN, now: () => clock });
  timedRedis = new Redis({ url: timed.url, token: TOKEN });
});

afterAll(async () => {
  await emulator?.close();
  await timed?.close();
});

beforeEach(() => {
  emulator.flushAll();
  timed.flushAll();
  clock = START;
});

/** Sends a raw request, to check the wire format the client hides. */
async function raw(
  path: string,
  body?: unknown,
  { token = TOKEN, headers = {} }: { token?: string | null; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${emulator.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // Pipelines answer an array; the checks on those compare the whole body with toEqual.
  const json = (await res.json()) as { result?: unknown; error?: string };
  return { status: res.status, body: json, headers: res.headers };
}

describe('REST protocol', () => {
  it('answers POST / with {"result"} and plain strings unless base64 is asked for', async () => {
    expect(await raw('/', ['SET', 'k', 'v', 'EX', '10'])).toMatchObject({
      status: 200,
      body: { result: 'OK' },
    });
    expect((await raw('/', ['GET', 'k'])).body).toEqual({ result: 'v' });
    const encoded = await raw('/', ['GET', 'k'], { headers: { 'Upstash-Encoding': 'base64' } });
    expect(encoded.body).toEqual({ result: Buffer.from('v').toString('base64') });
    // "OK" is the one string Upstash leaves alone in base64 mode.
    const ok = await raw('/', ['SET', 'k', 'w'], { headers: { 'Upstash-Encoding': 'base64' } });
    expect(ok.body).toEqual({ result: 'OK' });
  });

  it('coerces JSON numbers and booleans to Redis strings', async () => {
    await raw('/', ['SET', 'n', 5]);
    expect((await raw('/', ['INCRBY', 'n', 2])).body).toEqual({ result: 7 });
    await raw('/', ['SET', 'b', true]);
    expect((await raw('/', ['GET', 'b'])).body).toEqual({ result: 'true' });
  });

  it('answers command errors with HTTP 400 and the Redis message', async () => {
    await raw('/', ['SET', 's', 'abc']);
    expect(await raw('/', ['INCR', 's'])).toMatchObject({
      status: 400,
      body: { error: 'ERR value is not an integer or out of range' },
    });
    expect((await raw('/', ['GET'])).body).toEqual({
      error: "ERR wrong number of arguments for 'get' command",
    });
    expect((await raw('/', ['SET', 'k', 'v', 'NX', 'XX'])).body).toEqual({
      error: 'ERR syntax error',
    });
  });

  it('rejects an unsupported command by name, in Redis wording', async () => {
    expect(await raw('/', ['FOOBAR', 'a', 'b'])).toEqual(
      expect.objectContaining({
        status: 400,
        body: { error: "ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' " },
      }),
    );
    await expect(direct.eval('return 1', [], [])).rejects.toThrow(/unknown command 'eval'.*Lua/);
    await expect(redis.evalsha('abc', [], [])).rejects.toThrow(/'evalsha'/);
  });

  it('rejects malformed bodies and unsupported methods', async () => {
    expect(await raw('/', '{not json')).toMatchObject({ status: 400 });
    expect(await raw('/', [])).toMatchObject({ status: 400 });
    expect(await raw('/', ['SET', 'k', { nested: true }])).toMatchObject({ status: 400 });
    const res = await fetch(`${emulator.url}/`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(405);
  });

  it('supports the /command/arg path form, with a POST body as last argument', async () => {
    expect((await raw('/set/pk/hello%20world')).body).toEqual({ result: 'OK' });
    expect((await raw('/get/pk')).body).toEqual({ result: 'hello world' });
    const res = await fetch(`${emulator.url}/set/pbody?EX=100`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"a":1}',
    });
    expect(await res.json()).toEqual({ result: 'OK' });
    expect(await redis.get('pbody')).toEqual({ a: 1 });
    expect(await redis.ttl('pbody')).toBe(100);
  });

  it('answers /pipeline with one entry per command and HTTP 200 even when some fail', async () => {
    const { status, body } = await raw('/pipeline', [
      ['SET', 'p', 'x'],
      ['INCR', 'p'],
      ['NOPE'],
      ['GET', 'p'],
    ]);
    expect(status).toBe(200);
    expect(body).toEqual([
      { result: 'OK' },
      { error: 'ERR value is not an integer or out of range' },
      { error: "ERR unknown command 'NOPE', with args beginning with: " },
      { result: 'x' },
    ]);
  });

  it('discards a whole /multi-exec when one command is unknown or has the wrong arity', async () => {
    for (const bad of [['NOPE', 'x'], ['GET']]) {
      const { status, body } = await raw('/multi-exec', [['SET', 'tx', '1'], bad, ['INCR', 'tx']]);
      expect(status).toBe(400);
      expect(body.error).toMatch(/^EXECABORT Transaction discarded/);
      expect(await redis.exists('tx')).toBe(0);
    }
  });

  it('runs every /multi-exec command when one fails at run time, as Redis does', async () => {
    const { status, body } = await raw('/multi-exec', [
      ['SET', 'tx', 'a'],
      ['HSET', 'tx', 'f', 'v'],
      ['SET', 'tx2', 'b'],
    ]);
    expect(status).toBe(200);
    expect(body).toEqual([
      { result: 'OK' },
      { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' },
      { result: 'OK' },
    ]);
    expect(await redis.mget('tx', 'tx2')).toEqual(['a', 'b']);
  });

  it('returns an upstash-sync-token header for read-your-writes', async () => {
    const first = await raw('/', ['PING']);
    const second = await raw('/', ['PING']);
    expect(first.headers.get('upstash-sync-token')).toMatch(/^\d+$/);
    expect(second.headers.get('upstash-sync-token')).not.toBe(
      first.headers.get('upstash-sync-token'),
    );
  });
});

describe('authentication', () => {
  const cases: [string, string | null][] = [
    ['no token', null],
    ['a wrong token of the same length', TOKEN.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))],
    ['a wrong token of another length', `${TOKEN}x`],
    ['an empty token', ''],
  ];
  for (const [label, token] of cases) {
    it(`answers 401 for ${label} and writes nothing`, async () => {
      for (const [path, body] of [
        ['/', ['SET', 'auth', 'x']],
        ['/pipeline', [['SET', 'auth', 'x']]],
        ['/multi-exec', [['SET', 'auth', 'x']]],
      ] as const) {
        expect(await raw(path, body, { token })).toMatchObject({
          status: 401,
          body: { error: 'Unauthorized' },
        });
      }
      expect(await raw('/set/auth/x', undefined, { token })).toMatchObject({ status: 401 });
      expect(await redis.exists('auth')).toBe(0);
    });
  }

  it('rejects a non-Bearer scheme', async () => {
    const res = await fetch(`${emulator.url}/`, {
      method: 'POST',
      headers: { authorization: `Basic ${TOKEN}` },
      body: JSON.stringify(['SET', 'auth', 'x']),
    });
    expect(res.status).toBe(401);
    expect(await redis.exists('auth')).toBe(0);
  });

  it('accepts the token as a _token query parameter, as Upstash does', async () => {
    const res = await fetch(`${emulator.url}/set/qt/1?_token=${encodeURIComponent(TOKEN)}`);
    expect(await res.json()).toEqual({ result: 'OK' });
    const bad = await fetch(`${emulator.url}/set/qt2/1?_token=nope`);
    expect(bad.status).toBe(401);
    expect(await redis.exists('qt', 'qt2')).toBe(1);
  });

  it('makes the real client throw on a wrong token', async () => {
    const wrong = new Redis({ url: emulator.url, token: 'wrong', enableAutoPipelining: false });
    await expect(wrong.set('auth', 'x')).rejects.toThrow(/Unauthorized/);
    expect(await redis.exists('auth')).toBe(0);
  });
});

describe('strings', () => {
  it('round-trips objects through the client’s automatic JSON serialisation', async () => {
    const reading = { device: 'dev_1', celsius: -18.5, ok: true, tags: ['a', 'b'] };
    expect(await redis.set('obj', reading)).toBe('OK');
    expect(await redis.get('obj')).toEqual(reading);
    expect((await raw('/', ['GET', 'obj'])).body.result).toBe(JSON.stringify(reading));
    // Strings that look like base64 must survive the base64 response encoding intact.
    await redis.set('b64', 'abcd');
    expect(await redis.get('b64')).toBe('abcd');
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.echo('héllo ✓')).toBe('héllo ✓');
  });

  it('implements SET NX, XX and GET', async () => {
    expect(await redis.set('k', 'a', { nx: true })).toBe('OK');
    expect(await redis.set('k', 'b', { nx: true })).toBeNull();
    expect(await redis.set('other', 'b', { xx: true })).toBeNull();
    expect(await redis.exists('other')).toBe(0);
    expect(await redis.set('k', 'c', { xx: true })).toBe('OK');
    expect(await redis.set('k', 'd', { get: true })).toBe('c');
    expect(await redis.set('fresh', 'e', { get: true })).toBeNull();
    expect(await redis.get('k')).toBe('d');
    await redis.hset('h', { f: 1 });
    await expect(redis.set('h', 'x', { get: true })).rejects.toThrow(/WRONGTYPE/);
    expect(await redis.type('h')).toBe('hash');
  });

  it('implements SETNX, GETDEL, MSET and MGET', async () => {
    expect(await redis.setnx('k', 'a')).toBe(1);
    expect(await redis.setnx('k', 'b')).toBe(0);
    expect(await redis.getdel('k')).toBe('a');
    expect(await redis.getdel('k')).toBeNull();
    expect(await redis.mset({ a: 1, b: 'two' })).toBe('OK');
    await redis.sadd('set', 'm');
    expect(await redis.mget('a', 'b', 'missing', 'set')).toEqual([1, 'two', null, null]);
  });

  it('implements INCR, INCRBY, DECR, DECRBY with Redis errors', async () => {
    expect(await redis.incr('c')).toBe(1);
    expect(await redis.incrby('c', 10)).toBe(11);
    expect(await redis.decr('c')).toBe(10);
    expect(await redis.decrby('c', 15)).toBe(-5);
    await redis.set('c', '9223372036854775807');
    await expect(redis.incr('c')).rejects.toThrow('ERR increment or decrement would overflow');
    await redis.set('s', '1.5');
    await expect(redis.incr('s')).rejects.toThrow('ERR value is not an integer or out of range');
    await redis.set('s', '007');
    await expect(redis.incr('s')).rejects.toThrow('not an integer');
  });

  it('implements INCRBYFLOAT with Redis’ decimal output', async () => {
    expect(await redis.incrbyfloat('f', 0.1)).toBe(0.1);
    expect(await redis.incrbyfloat('f', 0.2)).toBe(0.3);
    expect((await raw('/', ['GET', 'f'])).body.result).toBe('0.3');
    await redis.set('g', '5.0e3');
    expect((await raw('/', ['INCRBYFLOAT', 'g', '2.0e2'])).body.result).toBe('5200');
    expect((await raw('/', ['INCRBYFLOAT', 'g', '-5200'])).body.result).toBe('0');
    expect((await raw('/', ['INCRBYFLOAT', 'g', 'abc'])).body.error).toBe(
      'ERR value is not a valid float',
    );
    expect((await raw('/', ['INCRBYFLOAT', 'g', 'inf'])).body.error).toBe(
      'ERR increment would produce NaN or Infinity',
    );
  });
});

describe('expiry', () => {
  it('counts TTL down on the injected clock and expires after the last millisecond', async () => {
    await timedRedis.set('k', 'v', { px: 1500 });
    expect(await timedRedis.pttl('k')).toBe(1500);
    expect(await timedRedis.ttl('k')).toBe(2); // Redis rounds to the nearest second
    clock += 1000;
    expect(await timedRedis.pttl('k')).toBe(500);
    expect(await timedRedis.ttl('k')).toBe(1);
    clock += 500;
    expect(await timedRedis.get('k')).toBe('v');
    clock += 1;
    expect(await timedRedis.get('k')).toBeNull();
    expect(await timedRedis.ttl('k')).toBe(-2);
    expect(await timedRedis.dbsize()).toBe(0);
    await timedRedis.set('forever', 'v');
    expect(await timedRedis.ttl('forever')).toBe(-1);
  });

  it('really expires a short PX on the wall clock', async () => {
    await redis.set('short', 'v', { px: 80 });
    expect(await redis.get('short')).toBe('v');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await redis.get('short')).toBeNull();
    expect(await redis.pttl('short')).toBe(-2);
    expect(await redis.keys('*')).toEqual([]);
  });

  it('implements EX, EXAT, PXAT, KEEPTTL, SETEX and PSETEX', async () => {
    await timedRedis.set('ex', 'v', { ex: 10 });
    expect(await timedRedis.pttl('ex')).toBe(10_000);
    await timedRedis.set('exat', 'v', { exat: START / 1000 + 20 });
    expect(await timedRedis.ttl('exat')).toBe(20);
    await timedRedis.set('pxat', 'v', { pxat: START + 1234 });
    expect(await timedRedis.pttl('pxat')).toBe(1234);
    await timedRedis.set('pxat', 'w', { keepTtl: true });
    expect(await timedRedis.pttl('pxat')).toBe(1234);
    await timedRedis.set('pxat', 'x');
    expect(await timedRedis.pttl('pxat')).toBe(-1);
    await timedRedis.set('past', 'v', { pxat: START - 1 });
    expect(await timedRedis.exists('past')).toBe(0);
    await timedRedis.setex('setex', 5, 'v');
    expect(await timedRedis.ttl('setex')).toBe(5);
    await timedRedis.psetex('psetex', 250, 'v');
    expect(await timedRedis.pttl('psetex')).toBe(250);
    await expect(timedRedis.setex('bad', 0, 'v')).rejects.toThrow(
      "ERR invalid expire time in 'setex' command",
    );
    await expect(timedRedis.set('bad', 'v', { ex: -1 })).rejects.toThrow(
      "ERR invalid expire time in 'set' command",
    );
  });

  it('implements EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, PERSIST and their NX/XX/GT/LT flags', async () => {
    await timedRedis.set('k', 'v');
    expect(await timedRedis.expire('missing', 10)).toBe(0);
    expect(await timedRedis.expire('k', 10, 'XX')).toBe(0);
    expect(await timedRedis.expire('k', 10, 'NX')).toBe(1);
    expect(await timedRedis.expire('k', 20, 'NX')).toBe(0);
    expect(await timedRedis.expire('k', 5, 'GT')).toBe(0);
    expect(await timedRedis.expire('k', 30, 'GT')).toBe(1);
    expect(await timedRedis.pexpire('k', 40_000, 'LT')).toBe(0);
    expect(await timedRedis.pexpire('k', 1500, 'LT')).toBe(1);
    expect(await timedRedis.pttl('k')).toBe(1500);
    expect(await timedRedis.expireat('k', START / 1000 + 60)).toBe(1);
    expect(await timedRedis.ttl('k')).toBe(60);
    expect(await timedRedis.pexpireat('k', START + 99)).toBe(1);
    expect(await timedRedis.pttl('k')).toBe(99);
    expect(await timedRedis.persist('k')).toBe(1);
    expect(await timedRedis.persist('k')).toBe(0);
    expect(await timedRedis.ttl('k')).toBe(-1);
    // A deadline already passed deletes the key and still answers 1. (Not expire('k', 0): the
    // client filters falsy arguments out of EXPIRE and would send a wrong-arity command.)
    expect(await timedRedis.expire('k', -1)).toBe(1);
    expect(await timedRedis.exists('k')).toBe(0);
    await timedRedis.set('k', 'v');
    expect(await timedRedis.pexpireat('k', START - 1)).toBe(1);
    expect(await timedRedis.exists('k')).toBe(0);
    expect((await raw('/', ['EXPIRE', 'k', '10', 'NX', 'XX'])).body.error).toBe(
      'ERR NX and XX, GT or LT options at the same time are not compatible',
    );
    expect((await raw('/', ['EXPIRE', 'k', '10', 'SOON'])).body.error).toBe(
      'ERR Unsupported option SOON',
    );
  });

  it('keeps the TTL through INCR and HSET but not through SET', async () => {
    await timedRedis.set('c', 1, { ex: 100 });
    await timedRedis.incr('c');
    expect(await timedRedis.ttl('c')).toBe(100);
    await timedRedis.hset('h', { a: 1 });
    await timedRedis.expire('h', 50);
    await timedRedis.hset('h', { b: 2 });
    expect(await timedRedis.ttl('h')).toBe(50);
  });

  it('sweeps expired keys that nobody reads', () => {
    let now = 0;
    const store = new Store({ now: () => now, sweepIntervalMs: 0 });
    store.set('gone', { type: 'string', value: 'v', expiresAt: 10 });
    store.set('kept', { type: 'string', value: 'v', expiresAt: 1000 });
    store.set('forever', { type: 'string', value: 'v' });
    now = 11;
    expect(store.storedCount()).toBe(3);
    store.sweep();
    expect(store.storedCount()).toBe(2);
    expect(store.keys()).toEqual(['kept', 'forever']);
    store.close();
  });
});

describe('keyspace', () => {
  it('implements DEL, EXISTS, TYPE, DBSIZE, FLUSHDB and FLUSHALL', async () => {
    await redis.mset({ a: 1, b: 2 });
    await redis.lpush('l', 'x');
    expect(await redis.exists('a', 'a', 'missing')).toBe(2);
    expect(await redis.type('a')).toBe('string');
    expect(await redis.type('l')).toBe('list');
    expect(await redis.type('missing')).toBe('none');
    expect(await redis.dbsize()).toBe(3);
    expect(await redis.del('a', 'missing')).toBe(1);
    expect(await redis.dbsize()).toBe(2);
    expect(await redis.flushdb()).toBe('OK');
    expect(await redis.dbsize()).toBe(0);
    await redis.set('a', 1);
    expect(await redis.flushall()).toBe('OK');
    expect(await redis.dbsize()).toBe(0);
  });

  it('matches KEYS with Redis glob patterns', async () => {
    await redis.mset({ 'rl:tnt_1:a': 1, 'rl:tnt_2:b': 1, 'cache:x': 1, 'h?llo': 1 });
    expect((await redis.keys('rl:*')).sort()).toEqual(['rl:tnt_1:a', 'rl:tnt_2:b']);
    // Redis negates a class with ^ only; [!1] means "! or 1".
    expect(await redis.keys('rl:tnt_[!1]*')).toEqual(['rl:tnt_1:a']);
    expect(await redis.keys('rl:tnt_[^1]*')).toEqual(['rl:tnt_2:b']);
    expect(await redis.keys('h\\?llo')).toEqual(['h?llo']);
    expect((await redis.keys('*')).length).toBe(4);
    expect(globMatch('a*b?c', 'axxbyc')).toBe(true);
    expect(globMatch('a[b-d]e', 'ace')).toBe(true);
    expect(globMatch('a[d-b]e', 'ace')).toBe(true);
    expect(globMatch('a[b-d]e', 'aee')).toBe(false);
    expect(globMatch('a*', 'b')).toBe(false);
  });

  it('SCANs every key present throughout, even while keys come and go', async () => {
    const stable = Array.from({ length: 60 }, (_, i) => `stable:${i}`);
    await redis.mset(Object.fromEntries(stable.map((k) => [k, 1])));
    await redis.mset(Object.fromEntries(stable.map((k) => [`temp:${k}`, 1])));
    const seen = new Set<string>();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, keys] = await redis.scan(cursor, { count: 7 });
      for (const key of keys) seen.add(key);
      // Churn between pages: drop a temporary key, add a new one.
      await redis.del(`temp:stable:${pages}`);
      await redis.set(`new:${pages}`, 1);
      cursor = next;
      pages++;
    } while (cursor !== '0' && pages < 100);
    expect(cursor).toBe('0');
    expect(pages).toBeGreaterThan(5);
    for (const key of stable) expect(seen).toContain(key);
  });

  it('filters SCAN by MATCH and TYPE and answers Upstash’s WITHTYPE', async () => {
    await redis.mset({ 'a:1': 1, 'a:2': 1, 'b:1': 1 });
    await redis.sadd('a:set', 'm');
    const [cursor, keys] = await redis.scan(0, { match: 'a:*', count: 100 });
    expect(cursor).toBe('0');
    expect(keys.sort()).toEqual(['a:1', 'a:2', 'a:set']);
    expect((await redis.scan(0, { type: 'set', count: 100 }))[1]).toEqual(['a:set']);
    const [, typed] = await redis.scan(0, { match: 'a:s*', withType: true, count: 100 });
    expect(typed).toEqual([{ key: 'a:set', type: 'set' }]);
    expect((await raw('/', ['SCAN', 'x'])).body.error).toBe('ERR invalid cursor');
    expect((await raw('/', ['SCAN', '0', 'COUNT', '0'])).body.error).toBe('ERR syntax error');
  });
});

describe('hashes', () => {
  it('implements HSET, HGET, HGETALL, HMGET, HEXISTS, HLEN, HDEL', async () => {
    expect(await redis.hset('h', { a: 1, b: { nested: true } })).toBe(2);
    expect(await redis.hset('h', { a: 2, c: 'x' })).toBe(1);
    expect(await redis.hget('h', 'a')).toBe(2);
    expect(await redis.hget('h', 'missing')).toBeNull();
    expect(await redis.hgetall('h')).toEqual({ a: 2, b: { nested: true }, c: 'x' });
    expect(await redis.hmget('h', 'a', 'zz')).toEqual({ a: 2, zz: null });
    expect(await redis.hexists('h', 'c')).toBe(1);
    expect(await redis.hlen('h')).toBe(3);
    expect(await redis.hkeys('h')).toEqual(['a', 'b', 'c']);
    expect(await redis.hdel('h', 'a', 'b', 'c', 'nope')).toBe(3);
    expect(await redis.exists('h')).toBe(0);
    expect(await redis.hgetall('h')).toBeNull();
    expect((await raw('/', ['HSET', 'h', 'a'])).body.error).toBe(
      "ERR wrong number of arguments for 'hset' command",
    );
  });

  it('implements HINCRBY with Redis errors', async () => {
    expect(await redis.hincrby('h', 'n', 5)).toBe(5);
    expect(await redis.hincrby('h', 'n', -7)).toBe(-2);
    await redis.hset('h', { s: 'abc' });
    await expect(redis.hincrby('h', 's', 1)).rejects.toThrow('ERR hash value is not an integer');
  });
});

describe('lists', () => {
  it('implements LPUSH, RPUSH, LRANGE, LLEN and LTRIM', async () => {
    expect(await redis.lpush('l', 'a', 'b', 'c')).toBe(3);
    expect(await redis.rpush('l', 'd')).toBe(4);
    expect(await redis.lrange('l', 0, -1)).toEqual(['c', 'b', 'a', 'd']);
    expect(await redis.lrange('l', -2, 100)).toEqual(['a', 'd']);
    expect(await redis.lrange('l', 3, 1)).toEqual([]);
    expect(await redis.llen('l')).toBe(4);
    expect(await redis.ltrim('l', 1, 2)).toBe('OK');
    expect(await redis.lrange('l', 0, -1)).toEqual(['b', 'a']);
    await redis.ltrim('l', 5, 10);
    expect(await redis.exists('l')).toBe(0);
    expect(await redis.llen('l')).toBe(0);
  });
});

describe('sets', () => {
  it('implements SADD, SREM, SMEMBERS, SISMEMBER and SCARD', async () => {
    expect(await redis.sadd('s', 'a', 'b', 'a')).toBe(2);
    expect(await redis.sadd('s', 'c')).toBe(1);
    expect((await redis.smembers('s')).sort()).toEqual(['a', 'b', 'c']);
    expect(await redis.sismember('s', 'b')).toBe(1);
    expect(await redis.sismember('s', 'z')).toBe(0);
    expect(await redis.scard('s')).toBe(3);
    expect(await redis.srem('s', 'a', 'z')).toBe(1);
    expect(await redis.srem('s', 'b', 'c')).toBe(2);
    expect(await redis.exists('s')).toBe(0);
  });
});

describe('sorted sets', () => {
  it('implements ZADD with NX, XX, GT, LT, CH and INCR', async () => {
    expect(await redis.zadd('z', { score: 1, member: 'a' }, { score: 2, member: 'b' })).toBe(2);
    expect(await redis.zadd('z', { nx: true }, { score: 9, member: 'a' })).toBe(0);
    expect(await redis.zscore('z', 'a')).toBe(1);
    expect(await redis.zadd('z', { xx: true }, { score: 5, member: 'new' })).toBe(0);
    expect(await redis.zscore('z', 'new')).toBeNull();
    expect(await redis.zadd('z', { xx: true, ch: true }, { score: 3, member: 'a' })).toBe(1);
    expect(await redis.zadd('z', { gt: true, ch: true }, { score: 2, member: 'a' })).toBe(0);
    expect(await redis.zadd('z', { lt: true, ch: true }, { score: 2, member: 'a' })).toBe(1);
    expect(await redis.zadd('z', { incr: true }, { score: 0.5, member: 'a' })).toBe(2.5);
    expect(await redis.zincrby('z', 10, 'b')).toBe(12);
    expect((await raw('/', ['ZADD', 'z', 'NX', 'XX', '1', 'a'])).body.error).toBe(
      'ERR XX and NX options at the same time are not compatible',
    );
    expect((await raw('/', ['ZADD', 'z', 'x', 'a'])).body.error).toBe(
      'ERR value is not a valid float',
    );
    expect((await raw('/', ['ZADD', 'z', '1', 'a', '2'])).body.error).toBe('ERR syntax error');
  });

  it('implements ZRANGE by rank, BYSCORE, REV, LIMIT and WITHSCORES', async () => {
    await redis.zadd(
      'z',
      { score: 3, member: 'c' },
      { score: 1, member: 'a' },
      { score: 2, member: 'b' },
      { score: 2, member: 'bb' },
    );
    expect(await redis.zrange('z', 0, -1)).toEqual(['a', 'b', 'bb', 'c']);
    expect(await redis.zrange('z', 0, 1, { rev: true })).toEqual(['c', 'bb']);
    expect(await redis.zrange('z', 0, 0, { withScores: true })).toEqual(['a', 1]);
    expect(await redis.zrange('z', '(1', '+inf', { byScore: true })).toEqual(['b', 'bb', 'c']);
    expect(await redis.zrange('z', '-inf', '+inf', { byScore: true, offset: 1, count: 2 })).toEqual(
      ['b', 'bb'],
    );
    expect(await redis.zrange('z', 2, '-inf', { byScore: true, rev: true })).toEqual([
      'bb',
      'b',
      'a',
    ]);
    expect((await raw('/', ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'])).body.error).toBe(
      'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
    expect((await raw('/', ['ZRANGE', 'z', 'a', 'b', 'BYSCORE'])).body.error).toBe(
      'ERR min or max is not a float',
    );
    expect((await raw('/', ['ZRANGE', 'z', '[b', '(c', 'BYLEX'])).body.result).toEqual(['b', 'bb']);
  });

  it('implements ZREM, ZREMRANGEBYSCORE, ZCARD, ZSCORE and ZCOUNT', async () => {
    const [first, ...rest] = [1, 2, 3, 4, 5].map((n) => ({ score: n, member: `m${n}` }));
    await redis.zadd('z', first!, ...rest);
    expect(await redis.zcard('z')).toBe(5);
    expect(await redis.zcount('z', 2, '(4')).toBe(2);
    expect(await redis.zrem('z', 'm1', 'nope')).toBe(1);
    expect(await redis.zremrangebyscore('z', 2, 3)).toBe(2);
    expect(await redis.zrange('z', 0, -1)).toEqual(['m4', 'm5']);
    expect(await redis.zscore('z', 'm5')).toBe(5);
    expect(await redis.zremrangebyscore('z', '-inf', '+inf')).toBe(2);
    expect(await redis.exists('z')).toBe(0);
  });

  it('supports a sliding-window rate limit as one transaction', async () => {
    const hit = async (now: number) => {
      const [, , count] = await redis
        .multi()
        .zremrangebyscore('rl:tnt_1', 0, now - 1000)
        .zadd('rl:tnt_1', { score: now, member: `${now}` })
        .zcard('rl:tnt_1')
        .pexpire('rl:tnt_1', 1000)
        .exec<[number, number, number, number]>();
      return count;
    };
    expect(await hit(1000)).toBe(1);
    expect(await hit(1500)).toBe(2);
    expect(await hit(1900)).toBe(3);
    expect(await hit(2600)).toBe(2); // 1000 and 1500 left the window
    expect(await redis.pttl('rl:tnt_1')).toBeGreaterThan(900);
  });
});

describe('types', () => {
  it('answers WRONGTYPE across every type and leaves the key untouched', async () => {
    await redis.set('str', 'v');
    await redis.hset('hash', { f: 1 });
    await redis.lpush('list', 'x');
    await redis.sadd('set', 'x');
    await redis.zadd('zset', { score: 1, member: 'x' });
    const attempts = [
      () => direct.get('hash'),
      () => direct.incr('list'),
      () => direct.hget('str', 'f'),
      () => direct.lpush('set', 'y'),
      () => direct.sadd('zset', 'y'),
      () => direct.zadd('str', { score: 1, member: 'y' }),
      () => direct.zrange('hash', 0, -1),
      () => direct.smembers('list'),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toThrow(
        'WRONGTYPE Operation against a key holding the wrong kind of value',
      );
    }
    expect(await redis.get('str')).toBe('v');
    expect(await redis.hgetall('hash')).toEqual({ f: 1 });
    expect(await redis.lrange('list', 0, -1)).toEqual(['x']);
    expect(await redis.smembers('set')).toEqual(['x']);
    expect(await redis.zrange('zset', 0, -1)).toEqual(['x']);
  });
});

describe('client pipelines and transactions', () => {
  it('runs .pipeline() and returns each result in order', async () => {
    const results = await redis
      .pipeline()
      .set('p', 1)
      .incr('p')
      .hset('ph', { f: 'v' })
      .hgetall('ph')
      .get('p')
      .exec();
    expect(results).toEqual(['OK', 2, 1, { f: 'v' }, 2]);
  });

  it('reports a failing pipeline command without undoing the others', async () => {
    await expect(redis.pipeline().set('p', 'x').incr('p').set('after', 1).exec()).rejects.toThrow(
      /Command 2 \[ incr \] failed: ERR value is not an integer/,
    );
    expect(await redis.get('after')).toBe(1);
    const kept = await redis.pipeline().incr('p').get('p').exec({ keepErrors: true });
    expect(kept[0]!.error).toBe('ERR value is not an integer or out of range');
    expect(kept[1]).toEqual({ error: undefined, result: 'x' });
  });

  it('runs .multi() atomically and reports run-time errors per command', async () => {
    expect(await redis.multi().set('m', 1).incrby('m', 4).get('m').exec()).toEqual(['OK', 5, 5]);
    await expect(redis.multi().set('m', 'x').incr('m').exec()).rejects.toThrow(
      /Command 2 \[ incr \] failed/,
    );
    expect(await redis.get('m')).toBe('x');
  });

  it('discards a .multi() that contains an unsupported command', async () => {
    await expect(redis.multi().set('m', 1).eval('return 1', [], []).exec()).rejects.toThrow(
      /EXECABORT/,
    );
    expect(await redis.exists('m')).toBe(0);
  });
});

describe('startRedisEmulator', () => {
  it('rejects a taken port with PortInUseError', async () => {
    const attempt = startRedisEmulator({ port: emulator.port, token: TOKEN });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow(String(emulator.port));
  });

  it('refuses an empty token', async () => {
    await expect(startRedisEmulator({ port: 0, token: '' })).rejects.toThrow(/token/);
  });

  it('flushAll() empties the keyspace', async () => {
    await redis.set('k', 1);
    emulator.flushAll();
    expect(await redis.dbsize()).toBe(0);
  });
});
