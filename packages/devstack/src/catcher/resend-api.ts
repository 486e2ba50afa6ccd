import { createHash, randomUUID } from 'node:crypto';
import { type CatcherRequest, headerValue, json, type Reply, segment } from './http.js';
import type { IdempotencyStore } from './idempotency.js';
import { parseEmail, type ResendError, resendError } from './resend-email.js';
import { secureCompare } from './secure-compare.js';
import type { CaughtEmail, CaughtMessage, MessageStore } from './store.js';

/** Resend's cap on emails per POST /emails/batch. */
export const MAX_BATCH = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ResendApiOptions = {
  apiKey: string;
  store: MessageStore;
  idempotency: IdempotencyStore;
};

type EmailMessage = Extract<CaughtMessage, { kind: 'email' }>;

const errorReply = (error: ResendError): Reply => json(error.statusCode, error);

/** Whether a path belongs to the emulated Resend API. */
export function isResendPath(pathname: string): boolean {
  return pathname === '/emails' || pathname.startsWith('/emails/');
}

/** Resend prints timestamps as Postgres does (`+00:00`), not with `Z`. */
const resendTimestamp = (iso: string) => iso.replace(/Z$/, '+00:00');

function lastEvent(email: CaughtEmail) {
  if (email.scheduledAt === null) return 'delivered';
  const at = Date.parse(email.scheduledAt);
  // Natural-language schedules ("in 1 hour") are always in the future when sent.
  return Number.isNaN(at) || at > Date.now() ? 'scheduled' : 'delivered';
}

/** The email object Resend's GET /emails/:id answers. */
function toResendEmail(message: EmailMessage) {
  const email = message.payload;
  return {
    object: 'email',
    id: message.id,
    to: email.to,
    from: email.from,
    created_at: resendTimestamp(message.createdAt),
    subject: email.subject,
    html: email.html,
    text: email.text,
    bcc: email.bcc.length ? email.bcc : null,
    cc: email.cc.length ? email.cc : null,
    reply_to: email.replyTo.length ? email.replyTo : null,
    last_event: lastEvent(email),
    scheduled_at: email.scheduledAt,
    tags: email.tags,
    topic_id: email.topicId,
    message_id: `<${message.id}@catcher.local>`,
  };
}

function parseJson(req: CatcherRequest): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(req.body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

const invalidJson = () =>
  errorReply(resendError(400, 'validation_error', 'The request body is not valid JSON.'));

/** Handles the Resend endpoints the `resend` client uses for sending and reading emails. */
export function createResendApi({ apiKey, store, idempotency }: ResendApiOptions) {
  function authenticate(req: CatcherRequest): Reply | null {
    const header = headerValue(req.headers, 'authorization');
    const token = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (!token) {
      return errorReply(
        resendError(401, 'missing_api_key', 'Missing API key in the authorization header.'),
      );
    }
    if (!secureCompare(token, apiKey)) {
      return errorReply(resendError(403, 'invalid_api_key', 'API key is invalid.'));
    }
    return null;
  }

  function save(email: CaughtEmail): string {
    const id = randomUUID();
    store.add({ id, kind: 'email', createdAt: new Date().toISOString(), payload: email });
    return id;
  }

  /** Replays a remembered reply for a repeated Idempotency-Key; only successes are kept. */
  function idempotent(req: CatcherRequest, run: () => Reply): Reply {
    const key = headerValue(req.headers, 'idempotency-key');
    if (key === undefined) return run();
    if (key.length < 1 || key.length > 256) {
      return errorReply(
        resendError(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.'),
      );
    }
    const fingerprint = createHash('sha256')
      .update(`${req.method} ${req.url.pathname}\n`)
      .update(req.body)
      .digest('hex');
    const seen = idempotency.lookup(key, fingerprint);
    if (seen.kind === 'replay') return seen.reply;
    if (seen.kind === 'conflict') {
      return errorReply(
        resendError(
          409,
          'invalid_idempotent_request',
          'Same idempotency key used with a different request payload.',
        ),
      );
    }
    const reply = run();
    if (reply.status >= 200 && reply.status < 300) idempotency.remember(key, fingerprint, reply);
    return reply;
  }

  function sendEmail(req: CatcherRequest): Reply {
    const body = parseJson(req);
    if (!body.ok) return invalidJson();
    const parsed = parseEmail(body.value, 'single');
    if (!parsed.ok) return errorReply(parsed.error);
    return json(200, { id: save(parsed.email) });
  }

  function sendBatch(req: CatcherRequest): Reply {
    const body = parseJson(req);
    if (!body.ok) return invalidJson();
    const emails = body.value;
    if (!Array.isArray(emails)) {
      return errorReply(resendError(422, 'validation_error', 'Expected an array of emails.'));
    }
    if (emails.length === 0 || emails.length > MAX_BATCH) {
      return errorReply(
        resendError(422, 'validation_error', `A batch must have 1 to ${MAX_BATCH} emails.`),
      );
    }
    const permissive = headerValue(req.headers, 'x-batch-validation') === 'permissive';
    const parsed = emails.map((email) => parseEmail(email, 'batch'));
    if (!permissive) {
      // Strict (the default) is all or nothing: the first failure rejects the whole batch.
      const index = parsed.findIndex((result) => !result.ok);
      const failed = parsed[index];
      if (failed && !failed.ok) {
        return errorReply({
          ...failed.error,
          message: `emails[${index}]: ${failed.error.message}`,
        });
      }
    }
    const data: { id: string }[] = [];
    const errors: { index: number; message: string }[] = [];
    parsed.forEach((result, index) => {
      if (result.ok) data.push({ id: save(result.email) });
      else errors.push({ index, message: result.error.message });
    });
    return json(200, permissive ? { data, errors } : { data });
  }

  function getEmail(id: string): Reply {
    if (!UUID.test(id)) {
      return errorReply(resendError(422, 'invalid_parameter', 'The `id` must be a valid UUID.'));
    }
    const message = store.get(id);
    if (message?.kind !== 'email') {
      return errorReply(resendError(404, 'not_found', 'Email not found'));
    }
    return json(200, toResendEmail(message));
  }

  function listEmails(req: CatcherRequest): Reply {
    const raw = req.url.searchParams.get('limit');
    const limit = raw === null ? 20 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return errorReply(
        resendError(422, 'validation_error', 'The `limit` must be an integer from 1 to 100.'),
      );
    }
    const emails = store.list({ kind: 'email' }) as EmailMessage[];
    return json(200, {
      object: 'list',
      has_more: emails.length > limit,
      data: emails.slice(0, limit).map(toResendEmail),
    });
  }

  const notAllowed = () =>
    errorReply(
      resendError(405, 'method_not_allowed', 'Method is not allowed for the requested path.'),
    );

  return function handleResend(req: CatcherRequest): Reply {
    const denied = authenticate(req);
    if (denied) return denied;
    const { pathname } = req.url;
    if (pathname === '/emails') {
      if (req.method === 'POST') return idempotent(req, () => sendEmail(req));
      return req.method === 'GET' ? listEmails(req) : notAllowed();
    }
    if (pathname === '/emails/batch') {
      return req.method === 'POST' ? idempotent(req, () => sendBatch(req)) : notAllowed();
    }
    const single = /^\/emails\/([^/]+)$/.exec(pathname);
    if (single?.[1]) {
      return req.method === 'GET' ? getEmail(segment(single[1]) ?? '') : notAllowed();
    }
    return errorReply(resendError(404, 'not_found', 'The requested endpoint does not exist.'));
  };
}
