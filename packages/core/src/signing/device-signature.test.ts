import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceSigningKey, signDeviceRequest, verifyDeviceSignature } from './device-signature.js';

// The reference is the customer guide's own formula, computed with Node's HMAC.
const reference = (secret: string, body: string, ts: string) =>
  createHmac('sha256', secret)
    .update(body + ts)
    .digest('hex');

describe('device signature', () => {
  it('matches the guide formula hex(HMAC-SHA256(secret, rawBody + timestamp))', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.nat(),
        async (secret, body, n) => {
          const ts = String(1_700_000_000_000 + n);
          expect(await signDeviceRequest(secret, body, ts)).toBe(reference(secret, body, ts));
        },
      ),
    );
  });

  it('verifies exactly the signed bytes and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        async (secret, body, suffix) => {
          const ts = '1763890000000';
          const sig = await signDeviceRequest(secret, body, ts);
          expect(await verifyDeviceSignature(secret, body, ts, sig)).toBe(true);
          expect(await verifyDeviceSignature(secret, body + suffix, ts, sig)).toBe(false);
          expect(await verifyDeviceSignature(secret, body, `${ts}1`, sig)).toBe(false);
          expect(await verifyDeviceSignature(`${secret}x`, body, ts, sig)).toBe(false);
        },
      ),
    );
  });

  it('accepts upper-case hex and refuses malformed signatures', async () => {
    const sig = await signDeviceRequest('s3cret', '{"readings":[]}', '1');
    expect(await verifyDeviceSignature('s3cret', '{"readings":[]}', '1', sig.toUpperCase())).toBe(
      true,
    );
    for (const bad of ['', 'zz', sig.slice(0, 62), `${sig}00`, ' '.repeat(64)]) {
      expect(await verifyDeviceSignature('s3cret', '{"readings":[]}', '1', bad)).toBe(false);
    }
  });

  it('signs raw bytes, so a body that is not valid UTF-8 still verifies', async () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const sig = await signDeviceRequest('k', bytes, '5');
    const expected = createHmac('sha256', 'k')
      .update(Buffer.concat([Buffer.from(bytes), Buffer.from('5')]))
      .digest('hex');
    expect(sig).toBe(expected);
    expect(await verifyDeviceSignature('k', bytes, '5', sig)).toBe(true);
  });
});

describe('an empty device secret (#22 item 5)', () => {
  const ts = '1763890000000';
  const body = '{"readings":[]}';

  it('fails verification instead of throwing, as a string or as a key', async () => {
    // The signature HMAC itself gives an empty key (all zeros): it must not be accepted.
    const zeroKeySig = createHmac('sha256', '')
      .update(body + ts)
      .digest('hex');
    expect(await verifyDeviceSignature('', body, ts, zeroKeySig)).toBe(false);
    const key = await deviceSigningKey('');
    expect(await verifyDeviceSignature(key, body, ts, zeroKeySig)).toBe(false);
    await expect(signDeviceRequest('', body, ts)).rejects.toThrow(/secret is required/);
  });

  it('property: nothing verifies under an empty secret, whatever was signed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (anySecret, b, t) => {
        const sig = createHmac('sha256', anySecret)
          .update(b + t)
          .digest('hex');
        expect(await verifyDeviceSignature('', b, t, sig)).toBe(false);
        expect(await verifyDeviceSignature(await deviceSigningKey(''), b, t, sig)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('verifies with a pre-imported key exactly as with the secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string(), async (secret, b) => {
        const sig = await signDeviceRequest(secret, b, ts);
        const key = await deviceSigningKey(secret);
        expect(await verifyDeviceSignature(key, b, ts, sig)).toBe(true);
        expect(await verifyDeviceSignature(key, `${b}x`, ts, sig)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
