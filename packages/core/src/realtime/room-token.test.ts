import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOM_TOKEN_MAX_TTL_MS, signRoomToken, verifyRoomToken } from './room-token.js';

const SECRET = 'a-room-token-secret-of-enough-length-0123';
const NOW = 1_790_000_000_000;
const base = {
  tenantId: 'tnt_a',
  userId: 'usr_a',
  role: 'operator' as const,
  facilityIds: ['fac_a'],
};

describe('room tokens', () => {
  it('round-trips the claims and carries a lifetime of at most five minutes', async () => {
    const { token, claims } = await signRoomToken(SECRET, { ...base, now: NOW });
    expect(claims.exp - claims.iat).toBe(ROOM_TOKEN_MAX_TTL_MS);
    expect(await verifyRoomToken(SECRET, token, NOW + 1_000)).toEqual({ ok: true, claims });
  });

  it('refuses missing, malformed, expired, foreign-key and tampered tokens', async () => {
    const { token } = await signRoomToken(SECRET, { ...base, now: NOW, ttlMs: 60_000 });
    expect(await verifyRoomToken(SECRET, undefined, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyRoomToken(SECRET, 'nope', NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyRoomToken(SECRET, token, NOW + 60_000)).toEqual({
      ok: false,
      reason: 'expired',
    });
    const other = `${SECRET}-other`;
    expect(await verifyRoomToken(other, token, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    // Widening one's facility scope by editing the payload breaks the signature.
    const [prefix, payload, mac] = token.split('.') as [string, string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const widened = btoa(JSON.stringify({ ...claims, facilityIds: null })).replace(/=+$/, '');
    expect(await verifyRoomToken(SECRET, `${prefix}.${widened}.${mac}`, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses to sign a lifetime over five minutes, and a short secret', async () => {
    await expect(
      signRoomToken(SECRET, { ...base, now: NOW, ttlMs: ROOM_TOKEN_MAX_TTL_MS + 1 }),
    ).rejects.toThrow(RangeError);
    await expect(signRoomToken('short', { ...base, now: NOW })).rejects.toThrow(RangeError);
  });

  it('any change to any character of a token makes it invalid', async () => {
    const { token } = await signRoomToken(SECRET, { ...base, now: NOW });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...'ABCxyz019-_.'),
        async (at, ch) => {
          fc.pre(token[at] !== ch);
          const tampered = token.slice(0, at) + ch + token.slice(at + 1);
          expect((await verifyRoomToken(SECRET, tampered, NOW)).ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
