import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A random id with QStash's prefixes (`msg_`, `scd_`, `jwt_`), alphanumeric so it is safe in a
 * URL path segment without encoding.
 */
export function newId(prefix: string, length = 28): string {
  const bytes = randomBytes(length);
  let id = prefix;
  // 62 does not divide 256; the tiny bias is irrelevant for ids that only need to be unique.
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
