import { constantTimeEqual, fromHex, toHex } from '../signing/hex.js';

/** The header our webhook deliveries carry: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'AnythingIoT-Signature';

/** How far a signature's timestamp may be from the receiver's clock by default, seconds. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Signs a webhook body Stripe-style: `v1 = hex(HMAC-SHA256(secret, t + "." + body))`. The
 * timestamp is inside the MAC so a captured delivery cannot be replayed later with a fresh `t`.
 */
export async function signWebhook(secret: string, body: string, nowMs: number): Promise<string> {
  const t = Math.floor(nowMs / 1_000);
  const mac = await hmac(secret, `${t}.${body}`);
  return `t=${t},v1=${toHex(mac)}`;
}

export type WebhookVerdict =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * For receivers: checks an `AnythingIoT-Signature` header against the raw body as received
 * (never a re-serialised one). Any `v1` entry may match, so during a secret rotation a sender
 * can sign with both secrets. `toleranceS` bounds the timestamp's distance from `nowMs`.
 */
export async function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  nowMs: number,
  toleranceS: number = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
): Promise<WebhookVerdict> {
  let timestamp: number | undefined;
  const candidates: Uint8Array[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1') {
      const bytes = fromHex(value);
      if (bytes?.length === 32) candidates.push(bytes);
    }
  }
  if (timestamp === undefined || candidates.length === 0) {
    return { valid: false, reason: 'malformed' };
  }
  if (Math.abs(nowMs / 1_000 - timestamp) > toleranceS) return { valid: false, reason: 'stale' };
  const expected = await hmac(secret, `${timestamp}.${body}`);
  // Compare against every candidate, without stopping early, so timing says nothing.
  let matched = false;
  for (const candidate of candidates) matched = constantTimeEqual(expected, candidate) || matched;
  return matched ? { valid: true, timestamp } : { valid: false, reason: 'mismatch' };
}

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
}
