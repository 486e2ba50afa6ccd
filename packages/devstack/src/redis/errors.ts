/**
 * A Redis error reply. `message` is the full reply text including its prefix (`ERR`, `WRONGTYPE`),
 * exactly what Upstash puts in `{"error": …}`, so callers can match on it as they would in the cloud.
 */
export class RedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisError';
  }
}

// Redis' own wording, so an error seen locally reads the same as one seen against Upstash.
export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const OVERFLOW = 'ERR increment or decrement would overflow';

/** The error Redis answers when a command's argument count does not match its arity. */
export function wrongArity(name: string) {
  return new RedisError(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
}

/** The error Redis answers for a command it does not know, quoting the first arguments. */
export function unknownCommand(name: string, args: readonly string[]) {
  // Redis quotes arguments until the list reaches 128 characters, each followed by a space.
  let quoted = '';
  for (const arg of args) {
    if (quoted.length >= 128) break;
    quoted += `'${arg.slice(0, 128 - quoted.length)}' `;
  }
  return new RedisError(
    `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${quoted}`,
  );
}

/** The error for `invalid expire time in '<command>' command`. */
export function invalidExpireTime(name: string) {
  return new RedisError(`ERR invalid expire time in '${name.toLowerCase()}' command`);
}
