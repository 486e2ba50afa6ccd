import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a presented secret with the expected one in constant time.
 * Both sides are hashed first: timingSafeEqual throws on unequal lengths, and comparing
 * lengths first would leak the secret's length.
 */
export function secureCompare(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
