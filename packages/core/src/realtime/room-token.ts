import { z } from 'zod';
import { RoleSchema } from '../tenancy/roles.js';

/** A room token lives at most this long: a stolen one is useless within minutes. */
export const ROOM_TOKEN_MAX_TTL_MS = 5 * 60_000;

/** Secrets shorter than this are refused: the token is only as strong as its key. */
export const ROOM_TOKEN_MIN_SECRET_LENGTH = 32;

const PREFIX = 'rt1';

/**
 * Who may join a tenant's live room and what they may see there. Issued by the dashboard's
 * server from a verified session (never from input); `facilityIds` null means every facility.
 */
export const RoomClaimsSchema = z.object({
  tenantId: z.string().min(1),
  userId: z.string().min(1),
  role: RoleSchema,
  facilityIds: z.array(z.string().min(1)).nullable(),
  /** Issued at, Unix ms. */
  iat: z.number().int(),
  /** Expires at, Unix ms; at most ROOM_TOKEN_MAX_TTL_MS after `iat`. */
  exp: z.number().int(),
});
export type RoomClaims = z.infer<typeof RoomClaimsSchema>;

export type RoomTokenRefusal = 'missing' | 'malformed' | 'bad_signature' | 'expired';
export type RoomTokenCheck =
  | { ok: true; claims: RoomClaims }
  | { ok: false; reason: RoomTokenRefusal };

/**
 * Signs claims into `rt1.<payload>.<mac>` (base64url JSON, HMAC-SHA256 over `rt1.<payload>`).
 * Throws if the lifetime exceeds five minutes or the secret is short: both are bugs.
 */
export async function signRoomToken(
  secret: string,
  input: Omit<RoomClaims, 'iat' | 'exp'> & { now: number; ttlMs?: number },
): Promise<{ token: string; claims: RoomClaims }> {
  const ttlMs = input.ttlMs ?? ROOM_TOKEN_MAX_TTL_MS;
  if (!(ttlMs > 0 && ttlMs <= ROOM_TOKEN_MAX_TTL_MS)) {
    throw new RangeError(`A room token lives at most ${ROOM_TOKEN_MAX_TTL_MS} ms.`);
  }
  const claims = RoomClaimsSchema.parse({
    tenantId: input.tenantId,
    userId: input.userId,
    role: input.role,
    facilityIds: input.facilityIds,
    iat: input.now,
    exp: input.now + ttlMs,
  });
  const signed = `${PREFIX}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}`;
  const mac = await crypto.subtle.sign('HMAC', await roomTokenKey(secret), encode(signed));
  return { token: `${signed}.${base64url(new Uint8Array(mac))}`, claims };
}

/**
 * Checks a token: well-formed, signed with `secret` (HMAC verify, constant time), unexpired,
 * and not claiming a lifetime longer than the maximum. The tenant is checked by the caller
 * (the room knows which tenant it is).
 */
export async function verifyRoomToken(
  secret: string | CryptoKey,
  token: string | null | undefined,
  now: number,
): Promise<RoomTokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, reason: 'malformed' };
  const [, payload, mac] = parts as [string, string, string];
  const macBytes = fromBase64url(mac);
  if (macBytes?.length !== 32) return { ok: false, reason: 'malformed' };
  const key = typeof secret === 'string' ? await roomTokenKey(secret) : secret;
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', key, macBytes, encode(`${PREFIX}.${payload}`));
  if (!valid) return { ok: false, reason: 'bad_signature' };
  const bytes = fromBase64url(payload);
  let parsed: ReturnType<typeof RoomClaimsSchema.safeParse>;
  try {
    parsed = RoomClaimsSchema.safeParse(bytes && JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const claims = parsed.data;
  // A token whose signer claimed more than five minutes is refused like an expired one.
  if (now >= claims.exp || claims.exp - claims.iat > ROOM_TOKEN_MAX_TTL_MS) {
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, claims };
}

/** The secret as a non-extractable HMAC-SHA256 key (import once, keep in memory). */
export function roomTokenKey(secret: string): Promise<CryptoKey> {
  if (secret.length < ROOM_TOKEN_MIN_SECRET_LENGTH) {
    throw new RangeError(
      `The room token secret must be at least ${ROOM_TOKEN_MIN_SECRET_LENGTH} characters.`,
    );
  }
  return crypto.subtle.importKey('raw', encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

const encode = (text: string) => new TextEncoder().encode(text);

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    // Only the canonical spelling: the unused low bits of the last character must be zero, so
    // no two strings decode to the same bytes.
    return base64url(out) === text ? out : null;
  } catch {
    return null;
  }
}
