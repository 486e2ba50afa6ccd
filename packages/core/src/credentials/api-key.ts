import { toHex } from '../signing/hex.js';
import { bytesToBase64Url } from './secret-box.js';

/**
 * Tenant API keys look like `aik_<12 chars prefix>_<32 chars secret>`. Only the SHA-256 of the
 * whole key is stored: the key is 256 random bits, so a slow hash would add nothing, and a
 * fast one lets every request look its key up by hash (no per-key scan, no timing oracle).
 * The prefix is shown in lists so people can tell keys apart.
 */
export const API_KEY_SCOPES = [
  'devices:read',
  'devices:write',
  'readings:read',
  'facilities:read',
  'facilities:write',
  'alerts:read',
  'alerts:write',
  'api_keys:read',
  'api_keys:write',
  'commands:read',
  'commands:write',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export type NewApiKey = { key: string; prefix: string; hash: string };

/** A new API key: the full key (shown once), its display prefix and its storage hash. */
export async function newApiKey(): Promise<NewApiKey> {
  const prefix = `aik_${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(9)))}`;
  const secret = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const key = `${prefix}_${secret}`;
  return { key, prefix, hash: await hashApiKey(key) };
}

/** True for a string shaped like one of our keys (cheap check before hashing and a lookup). */
export function looksLikeApiKey(value: string): boolean {
  return /^aik_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/.test(value);
}

/** The storage hash of an API key (hex SHA-256). */
export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return toHex(new Uint8Array(digest));
}
