import { constantTimeEqual, fromHex, toHex } from './hex.js';

/**
 * The device protocol's signature (the customer's sensor clients use it, so it cannot change):
 * `X-Signature = hex(HMAC-SHA256(secret, rawBody + X-Timestamp))`, over the raw bytes as sent —
 * never a re-serialised body, which would differ in spacing or key order.
 */
export async function signDeviceRequest(
  secret: string,
  rawBody: Uint8Array | string,
  timestamp: string,
): Promise<string> {
  // A sender without a secret is a configuration bug: say so instead of signing with nothing.
  if (secret === '') throw new RangeError('a device secret is required to sign');
  const key = await deviceSigningKey(secret);
  const mac = await crypto.subtle.sign('HMAC', key, signedMessage(rawBody, timestamp));
  return toHex(new Uint8Array(mac));
}

/**
 * True when `signature` is the request's HMAC under `secret` (constant-time compare). Pass the
 * key from `deviceSigningKey` to skip importing the same secret on every request.
 */
export async function verifyDeviceSignature(
  secret: string | CryptoKey,
  rawBody: Uint8Array | string,
  timestamp: string,
  signature: string,
): Promise<boolean> {
  const received = fromHex(signature);
  if (received?.length !== 32 || secret === '') return false;
  const key = typeof secret === 'string' ? await deviceSigningKey(secret) : secret;
  const expected = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, signedMessage(rawBody, timestamp)),
  );
  return constantTimeEqual(expected, received);
}

/**
 * The device secret as a non-extractable HMAC-SHA256 key (safe to keep in memory). An empty
 * secret (Web Crypto refuses a zero-length key) gets a random key nobody holds, so whatever is
 * checked with it fails verification instead of throwing; HMAC's own reading of an empty key
 * (all zeros) would instead accept anyone who also signs with nothing.
 */
export function deviceSigningKey(secret: string): Promise<CryptoKey> {
  const raw =
    secret === '' ? crypto.getRandomValues(new Uint8Array(32)) : new TextEncoder().encode(secret);
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

function signedMessage(rawBody: Uint8Array | string, timestamp: string): Uint8Array<ArrayBuffer> {
  const body = typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : rawBody;
  const ts = new TextEncoder().encode(timestamp);
  const message = new Uint8Array(body.length + ts.length);
  message.set(body, 0);
  message.set(ts, body.length);
  return message;
}
