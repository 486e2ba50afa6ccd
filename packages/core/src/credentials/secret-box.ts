import { DomainError } from '../errors/domain-error.js';

/**
 * Encrypts device secrets at rest with AES-256-GCM. Keys are versioned so they can be rotated:
 * new secrets use the newest key; old ciphertexts name the version that decrypts them.
 * Ciphertext format: `v<version>.<base64url(iv)>.<base64url(ciphertext+tag)>`.
 */
export type Keyring = { current: number; keys: Map<number, CryptoKey> };

const IV_BYTES = 12;

/**
 * Parses `"1:<base64 32 bytes>,2:<base64 32 bytes>"` (the `SECRETS_KEYRING` env var) into
 * AES-GCM keys; the highest version encrypts.
 */
export async function parseKeyring(spec: string): Promise<Keyring> {
  const keys = new Map<number, CryptoKey>();
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [versionText, material] = part.split(':');
    const version = Number(versionText);
    const raw = material ? base64ToBytes(material) : null;
    if (!Number.isInteger(version) || version < 1 || !raw || raw.length !== 32) {
      throw new Error(
        'SECRETS_KEYRING: expected "<version>:<base64 of 32 bytes>", comma-separated',
      );
    }
    keys.set(
      version,
      await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']),
    );
  }
  if (keys.size === 0) throw new Error('SECRETS_KEYRING is empty');
  return { current: Math.max(...keys.keys()), keys };
}

/** Encrypts with the keyring's newest key. */
export async function sealSecret(keyring: Keyring, plaintext: string): Promise<string> {
  const key = keyring.keys.get(keyring.current)!;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    key,
    new TextEncoder().encode(plaintext),
  );
  return `v${keyring.current}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(sealed))}`;
}

/** Decrypts; a tampered ciphertext or an unknown key version is an error, never garbage. */
export async function openSecret(keyring: Keyring, sealed: string): Promise<string> {
  const match = /^v(\d+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(sealed);
  const key = match ? keyring.keys.get(Number(match[1])) : undefined;
  if (!match || !key) throw new DomainError('UNAVAILABLE', 'secret sealed with an unknown key');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: base64UrlToBytes(match[2]!) },
    key,
    base64UrlToBytes(match[3]!),
  );
  return new TextDecoder().decode(plain);
}

/** A new random secret for a device: 32 bytes, base64url (43 characters). */
export function newDeviceSecret(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  return base64ToBytes(text.replace(/-/g, '+').replace(/_/g, '/'))!;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
    const binary = atob(padded);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}
