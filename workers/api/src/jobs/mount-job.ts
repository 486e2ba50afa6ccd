import { DomainError } from '@anythingiot/core';
import type { AnyJobDefinition, JobBody, SystemCtx } from '@anythingiot/services';
import type { Context } from 'hono';
import type { App } from '../app-type.js';
import type { AppEnv } from '../deps.js';
import { readBodyLimited } from '../lib/read-body.js';
import { servicePorts } from '../service-ports.js';

/**
 * The largest job body accepted. Ours are a few hundred bytes; the cap is checked before the
 * signature, so an anonymous caller cannot make the Worker buffer and hash a large body.
 */
export const MAX_JOB_BODY_BYTES = 64 * 1024;

/** What a job handler gets: the verified, parsed body and the request (for its answer). */
export type JobHandler<D extends AnyJobDefinition> = (
  job: JobBody<D>,
  c: Context<AppEnv>,
) => Response | Promise<Response>;

/**
 * Mounts one QStash job at its definition's path: a body over 64 KiB is refused (413) before
 * anything else, only QStash may call it (a valid `Upstash-Signature` for this URL, or 401 and
 * nothing done), its body must pass the
 * definition's schema (422; not JSON at all: 400), then the handler runs. A plain route, not in
 * the public OpenAPI document. An empty body (a schedule's) reads as `{}`.
 */
export function mountJob<D extends AnyJobDefinition>(app: App, def: D, handler: JobHandler<D>) {
  app.post(def.path, async (c) => {
    const text = await verifiedJobBody(c);
    return handler(parseJobBody(def, text) as JobBody<D>, c);
  });
}

/**
 * The raw body of a QStash callback whose `Upstash-Signature` is valid for this URL; anything
 * else is refused with 401 before a job does any work. The signature covers the body's hash and
 * the destination URL, so a delivery meant for another job cannot be replayed against this one.
 */
async function verifiedJobBody(c: Context<AppEnv>): Promise<string> {
  const signature = c.req.header('upstash-signature');
  const bytes = await readBodyLimited(c.req.raw, MAX_JOB_BODY_BYTES);
  const body = new TextDecoder().decode(bytes);
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

/**
 * A verified job body, parsed. Malformed means a bug on our side, answered 4xx: QStash retries
 * it, but only a deploy can fix it, and the dead-letter list keeps the evidence.
 */
export function parseJobBody<D extends AnyJobDefinition>(def: D, text: string): JobBody<D> {
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new DomainError('BAD_REQUEST', 'The job body is not JSON.', {
        reason: 'malformed_job',
      });
    }
  }
  const parsed = def.schema.safeParse(json);
  if (!parsed.success) {
    throw new DomainError('VALIDATION', 'The job body is malformed.', {
      reason: 'malformed_job',
      errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data as JobBody<D>;
}

/** The use-case context of a verified QStash callback: the job acts as itself. */
export const jobCtx = (c: Context<AppEnv>, def: AnyJobDefinition): SystemCtx => ({
  actor: { type: 'job', id: def.path.slice('/v1/jobs/'.length) },
  requestId: c.var.requestId,
  db: c.var.db(),
  ports: { ...servicePorts(c.var.deps), jobs: c.var.deps.jobs, live: c.var.deps.live },
});
