import { pgErrorCode } from '@anythingiot/db';

const NETWORK_FAILURE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket|websocket|connection|terminated|timed? ?out|fetch failed|network/i;

/**
 * True when an error means "the database could not be reached or is shutting down", as opposed
 * to a bug or a rejected statement. Such failures are answered 503 with Retry-After, because the
 * caller can safely retry; everything else stays a 500 with the stack in the log.
 */
export function isStorageUnavailable(err: unknown): boolean {
  const code = pgErrorCode(err);
  if (code !== undefined) return /^(08|53|57P)/.test(code);
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    const { name, message } = current as { name?: unknown; message?: unknown };
    if (name === 'ErrorEvent') return true; // the Neon driver's failed WebSocket
    if (typeof message === 'string' && NETWORK_FAILURE.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
