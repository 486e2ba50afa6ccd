import { createHash } from 'node:crypto';
import { Receiver, SignatureError } from '@upstash/qstash';
import { describe, expect, it } from 'vitest';
import { bodyHash, signDelivery } from './jwt.js';
import { jwtClaims } from './test-support.js';

const keys = { currentSigningKey: 'sig_current_test', nextSigningKey: 'sig_next_test' };
const receiver = new Receiver({ ...keys, devMode: false });
const url = 'http://127.0.0.1:9999/v1/jobs/excursion-check';
const body = Buffer.from('{"excursionId":"exc_1"}');

describe('signDelivery', () => {
  const signature = signDelivery({
    signingKey: keys.currentSigningKey,
    url,
    body,
    nowMs: Date.now(),
  });

  it("is accepted by @upstash/qstash's Receiver", async () => {
    await expect(receiver.verify({ signature, body: body.toString(), url })).resolves.toBe(true);
  });

  it('carries the claims QStash sends', () => {
    const claims = jwtClaims(signature);
    expect(claims).toMatchObject({ iss: 'Upstash', sub: url });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
    expect(String(claims.jti)).toMatch(/^jwt_/);
    // URL-safe base64 with padding, like QStash's own tokens.
    const expected = createHash('sha256').update(body).digest('base64url');
    expect(claims.body).toBe(`${expected}=`);
    expect(bodyHash(body)).toBe(`${expected}=`);
  });

  it('is rejected for a tampered body, another URL, or other keys', async () => {
    await expect(
      receiver.verify({ signature, body: '{"excursionId":"exc_2"}', url }),
    ).rejects.toThrow(SignatureError);
    await expect(
      receiver.verify({ signature, body: body.toString(), url: `${url}x` }),
    ).rejects.toThrow(/invalid subject/);
    const stranger = new Receiver({
      currentSigningKey: 'sig_a',
      nextSigningKey: 'sig_b',
      devMode: false,
    });
    await expect(stranger.verify({ signature, body: body.toString(), url })).rejects.toThrow(
      SignatureError,
    );
  });

  it('verifies with the next key too (rotation)', async () => {
    const rotated = signDelivery({ signingKey: keys.nextSigningKey, url, body, nowMs: Date.now() });
    await expect(receiver.verify({ signature: rotated, body: body.toString(), url })).resolves.toBe(
      true,
    );
  });

  // The Receiver falls back to the next key after the current one fails, so the error it
  // reports is that key's; what matters is that an expired token is refused.
  it('is rejected once expired', async () => {
    const old = signDelivery({
      signingKey: keys.currentSigningKey,
      url,
      body,
      nowMs: Date.now() - 10 * 60_000,
    });
    await expect(receiver.verify({ signature: old, body: body.toString(), url })).rejects.toThrow(
      SignatureError,
    );
  });
});
