import { createHash, createHmac } from 'node:crypto';
import { newId } from './ids.js';

/** Lifetime QStash gives its signatures. */
const SIGNATURE_TTL_SECONDS = 300;

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * The `body` claim: SHA-256 of the raw body, URL-safe base64 *with* padding, as QStash sends it
 * (`Receiver.verify` strips padding on both sides, so either would verify; we match the wire).
 */
export function bodyHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * Signs a delivery the way QStash does: an HS256 JWT keyed with the signing key's UTF-8 bytes,
 * `iss: "Upstash"`, `sub` = the destination URL, 5-minute expiry and the body hash.
 */
export function signDelivery(input: {
  signingKey: string;
  url: string;
  body: Buffer;
  nowMs: number;
}): string {
  const now = Math.floor(input.nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      iss: 'Upstash',
      sub: input.url,
      exp: now + SIGNATURE_TTL_SECONDS,
      nbf: now,
      iat: now,
      jti: newId('jwt_'),
      body: bodyHash(input.body),
    }),
  );
  const signature = createHmac('sha256', Buffer.from(input.signingKey, 'utf8'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}
