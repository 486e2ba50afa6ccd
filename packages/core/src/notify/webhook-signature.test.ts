import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const T = NOW / 1_000;
// The reference is the documented formula, computed with Node's HMAC (what a customer would write).
const reference = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

describe('webhook signature', () => {
  it('is t=<unix s>,v1=hex(HMAC-SHA256(secret, t + "." + body))', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.nat(),
        async (secret, body, n) => {
          const nowMs = NOW + n;
          const t = Math.floor(nowMs / 1_000);
          expect(await signWebhook(secret, body, nowMs)).toBe(
            `t=${t},v1=${reference(secret, t, body)}`,
          );
        },
      ),
    );
  });

  it('verifies what was signed, within the tolerance', async () => {
    const header = await signWebhook('whsec', '{"a":1}', NOW);
    expect(await verifyWebhookSignature('whsec', header, '{"a":1}', NOW + 299_000, 300)).toEqual({
      valid: true,
      timestamp: T,
    });
    expect(await verifyWebhookSignature('whsec', header, '{"a":1}', NOW - 299_000, 300)).toEqual({
      valid: true,
      timestamp: T,
    });
  });

  it('refuses another body, another secret, an old or future timestamp, or junk', async () => {
    const header = await signWebhook('whsec', '{"a":1}', NOW);
    const verify = (secret: string, h: string, body: string, now = NOW) =>
      verifyWebhookSignature(secret, h, body, now, 300);
    expect(await verify('whsec', header, '{"a": 1}')).toEqual({ valid: false, reason: 'mismatch' });
    expect(await verify('other', header, '{"a":1}')).toEqual({ valid: false, reason: 'mismatch' });
    expect(await verify('whsec', header, '{"a":1}', NOW + 301_000)).toEqual({
      valid: false,
      reason: 'stale',
    });
    expect(await verify('whsec', header, '{"a":1}', NOW - 301_000)).toEqual({
      valid: false,
      reason: 'stale',
    });
    // A fresh timestamp glued onto an old MAC: the MAC covers t, so it fails.
    const replayed = header.replace(`t=${T}`, `t=${T + 600}`);
    expect(await verify('whsec', replayed, '{"a":1}', NOW + 600_000)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    for (const junk of ['', 'v1=abc', `t=${T}`, `t=${T},v1=zz`, `t=abc,v1=${'0'.repeat(64)}`]) {
      expect(await verify('whsec', junk, '{"a":1}')).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('accepts any matching v1 entry, as during a secret rotation', async () => {
    const good = (await signWebhook('new', 'body', NOW)).split(',')[1];
    const header = `t=${T},v1=${reference('old', T, 'body')},${good}`;
    expect(await verifyWebhookSignature('new', header, 'body', NOW, 300)).toMatchObject({
      valid: true,
    });
    expect(await verifyWebhookSignature('old', header, 'body', NOW, 300)).toMatchObject({
      valid: true,
    });
    expect(await verifyWebhookSignature('third', header, 'body', NOW, 300)).toMatchObject({
      valid: false,
    });
  });
});
