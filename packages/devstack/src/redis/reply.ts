/**
 * Redis' simple-string reply `+OK`. Kept apart from bulk strings because Upstash leaves it as plain
 * "OK" when it base64-encodes every other string in a response.
 */
export const OK = Symbol('OK');

/** What a command answers: bulk string, integer, nil, the `+OK` status, or an array of those. */
export type Reply = string | number | null | typeof OK | Reply[];

/** Converts a reply into its JSON value, base64-encoding strings when the client asked for it. */
export function toJsonValue(reply: Reply, base64: boolean): unknown {
  if (reply === OK) return 'OK';
  if (Array.isArray(reply)) return reply.map((item) => toJsonValue(item, base64));
  if (typeof reply === 'string' && base64) return Buffer.from(reply, 'utf8').toString('base64');
  return reply;
}
