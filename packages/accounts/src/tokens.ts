import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase64urlNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 256 random bits, base64url without padding: 43 characters, safe in URLs and cookies. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type IssuedToken = {
  /** Goes to the user (link, cookie) and nowhere else. */
  token: string;
  /** What is stored: SHA-256 of the token, hex. */
  hash: string;
};

/** A new random 256-bit token and the hash to store for it. */
export function newToken(): IssuedToken {
  const token = encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: hashToken(token) };
}

/**
 * SHA-256 (hex) of a token. Tokens are looked up by this hash, so comparing happens on a
 * digest the caller cannot steer byte by byte — no timing oracle on the token itself.
 */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Cheap shape check before any lookup. */
export function isTokenShape(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}
