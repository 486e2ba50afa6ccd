import { describe, expect, it } from 'vitest';
import { hashApiKey, newApiKey } from './api-key.js';
import { newDeviceSecret, openSecret, parseKeyring, sealSecret } from './secret-box.js';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

describe('secret box', () => {
  it('round-trips and never stores the plaintext', async () => {
    const ring = await parseKeyring(`1:${key(1)}`);
    const secret = newDeviceSecret();
    const sealed = await sealSecret(ring, secret);
    expect(sealed).not.toContain(secret);
    expect(sealed).toMatch(/^v1\./);
    expect(await openSecret(ring, sealed)).toBe(secret);
    // Random IVs: the same secret seals differently each time.
    expect(await sealSecret(ring, secret)).not.toBe(sealed);
  });

  it('rotates keys: new secrets use the newest, old ones still open', async () => {
    const old = await parseKeyring(`1:${key(1)}`);
    const sealedOld = await sealSecret(old, 'a');
    const rotated = await parseKeyring(`1:${key(1)},2:${key(2)}`);
    expect(await sealSecret(rotated, 'b')).toMatch(/^v2\./);
    expect(await openSecret(rotated, sealedOld)).toBe('a');
  });

  it('refuses tampered ciphertexts and unknown versions', async () => {
    const ring = await parseKeyring(`1:${key(1)}`);
    const sealed = await sealSecret(ring, 'secret');
    // Change one character in the middle of the ciphertext part (always a real change).
    const at = sealed.lastIndexOf('.') + 5;
    const flipped = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
    expect(flipped).not.toBe(sealed);
    await expect(openSecret(ring, flipped)).rejects.toThrow();
    await expect(openSecret(ring, sealed.replace(/^v1/, 'v9'))).rejects.toThrow(/unknown key/);
  });

  it('rejects a malformed keyring with a message naming the format', async () => {
    for (const spec of ['', '1:short', `x:${key(1)}`, `0:${key(1)}`]) {
      await expect(parseKeyring(spec)).rejects.toThrow(/SECRETS_KEYRING/);
    }
  });
});

describe('api keys', () => {
  it('are random, carry their display prefix, and hash deterministically', async () => {
    const a = await newApiKey();
    const b = await newApiKey();
    expect(a.key).toMatch(/^aik_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    expect(a.key.startsWith(a.prefix)).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(await hashApiKey(a.key)).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
