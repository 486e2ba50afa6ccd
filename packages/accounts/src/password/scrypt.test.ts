import { describe, expect, it } from 'vitest';
import { DUMMY_PASSWORD_HASH, SCRYPT_PARAMS, scryptHasher } from './scrypt.js';

const hasher = scryptHasher();

describe('scrypt passwords', () => {
  it('stores a self-describing string with N=2^14, r=8, p=5, a 32-byte salt and a 64-byte key', async () => {
    const stored = await hasher.hash('correct horse battery');
    const m = /^scrypt\$v=1\$n=16384,r=8,p=5\$([^$]+)\$([^$]+)$/.exec(stored);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64')).toHaveLength(32);
    expect(Buffer.from(m![2]!, 'base64')).toHaveLength(64);
    expect(SCRYPT_PARAMS).toEqual({ n: 16384, r: 8, p: 5, saltBytes: 32, keyBytes: 64 });
  });

  it('verifies the right password only; salts differ per hash', async () => {
    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');
    expect(a).not.toBe(b);
    expect(await hasher.verify('correct horse battery', a)).toBe(true);
    expect(await hasher.verify('correct horse battery', b)).toBe(true);
    expect(await hasher.verify('correct horse batterY', a)).toBe(false);
    expect(await hasher.verify('', a)).toBe(false);
  });

  it('normalises Unicode, so the same password typed on another keyboard still matches', async () => {
    const composed = 'caf\u00e9 au lait!!';
    const decomposed = 'cafe\u0301 au lait!!';
    expect(await hasher.verify(decomposed, await hasher.hash(composed))).toBe(true);
  });

  it('tampered, truncated or foreign strings never verify', async () => {
    const stored = await hasher.hash('correct horse battery');
    const parts = stored.split('$');
    const flipped = [...parts];
    flipped[4] = Buffer.from(
      Buffer.from(parts[4]!, 'base64').map((x, i) => (i === 0 ? x ^ 1 : x)),
    ).toString('base64');
    for (const bad of [
      flipped.join('$'),
      stored.slice(0, -10),
      stored.replace('n=16384', 'n=16385'),
      '$2b$10$abcdefghijklmnopqrstuv',
      '',
      'scrypt$v=2$n=16384,r=8,p=5$AAAA$AAAA',
    ]) {
      expect(await hasher.verify('correct horse battery', bad).catch(() => false)).toBe(false);
    }
  });

  it('needsRehash when the parameters change, not otherwise', async () => {
    const current = await hasher.hash('correct horse battery');
    expect(hasher.needsRehash(current)).toBe(false);
    const old = await scryptHasher({ ...SCRYPT_PARAMS, n: 1024, p: 1 }).hash(
      'correct horse battery',
    );
    expect(hasher.needsRehash(old)).toBe(true);
    // Old hashes keep verifying with the current hasher (parameters come from the string).
    expect(await hasher.verify('correct horse battery', old)).toBe(true);
    expect(hasher.needsRehash('garbage')).toBe(true);
    const raised = scryptHasher({ ...SCRYPT_PARAMS, n: 32768 });
    expect(raised.needsRehash(current)).toBe(true);
  });

  it('the dummy hash is a valid current-parameter hash that no likely password matches', async () => {
    expect(hasher.needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    for (const guess of ['', 'password', 'correct horse battery', 'dummy']) {
      expect(await hasher.verify(guess, DUMMY_PASSWORD_HASH)).toBe(false);
    }
  });
});
