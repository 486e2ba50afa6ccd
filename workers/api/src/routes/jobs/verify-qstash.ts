import { DomainError } from '@anythingiot/core';
import type { Context } from 'hono';
import type { AppEnv } from '../../deps.js';

/**
 * The raw body of a QStash callback whose `Upstash-Signature` is valid for this URL; anything
 * else is refused with 401 before a job does any work. The signature covers the body's hash and
 * the destination URL, so a delivery meant for another job cannot be replayed against this one.
 */
export async function verifiedJobBody(c: Context<AppEnv>): Promise<string> {
  const signature = c.req.header('upstash-signature');
  const body = await c.req.text();
  const refused = new DomainError('UNAUTHENTICATED', 'Job callbacks must be signed by QStash.', {
    reason: 'bad_job_signature',
  });
  if (!signature) throw refused;
  try {
    if (await c.var.deps.qstashReceiver.verify({ signature, body, url: c.req.url })) return body;
  } catch {
    // Receiver throws SignatureError for any mismatch: wrong key, body, URL or expiry.
  }
  throw refused;
}
