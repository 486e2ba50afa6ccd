import type { CaughtAttachment, CaughtEmail } from './store.js';

/** Resend's error body, which the `resend` client hands back as `error`. */
export type ResendError = { statusCode: number; name: string; message: string };

export type ParsedEmail = { ok: true; email: CaughtEmail } | { ok: false; error: ResendError };

/** Resend's cap on `to` recipients per email. */
export const MAX_RECIPIENTS = 50;

const ADDRESS_FORMAT =
  'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
const BARE_ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;.]+$/;
const NAMED_ADDRESS = /^(?:"[^"]*"|[^<>"]*)<([^<>]+)>$/;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Resend also accepts natural language such as "in 1 hour" for scheduled_at.
const NATURAL_SCHEDULE = /^in \d+ (?:min|minute|hour|day)s?$/i;

/** Resend's error body for a request that failed validation. */
export function resendError(statusCode: number, name: string, message: string): ResendError {
  return { statusCode, name, message };
}

const missing = (field: string) =>
  resendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
const invalid = (field: string, why: string) =>
  resendError(422, 'validation_error', `Invalid \`${field}\` field. ${why}`);

class Invalid extends Error {
  constructor(readonly error: ResendError) {
    super(error.message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// The client serialises unset options as absent, but hand-written callers send null.
const isSet = (value: unknown) => value !== undefined && value !== null;

/** Whether `value` is `a@b.c` or `Name <a@b.c>`. */
export function isEmailAddress(value: string): boolean {
  const trimmed = value.trim();
  const named = NAMED_ADDRESS.exec(trimmed);
  return BARE_ADDRESS.test(named ? (named[1] ?? '').trim() : trimmed);
}

function addressList(value: unknown, field: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw new Invalid(invalid(field, ADDRESS_FORMAT));
  for (const address of list) {
    if (typeof address !== 'string' || !isEmailAddress(address)) {
      throw new Invalid(invalid(field, ADDRESS_FORMAT));
    }
  }
  return list as string[];
}

function optionalString(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (!isSet(value)) return null;
  if (typeof value !== 'string') throw new Invalid(invalid(field, 'Expected a string.'));
  return value;
}

function parseHeaders(value: unknown): Record<string, string> {
  if (!isSet(value)) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new Invalid(invalid('headers', 'Expected an object of string values.'));
  }
  return value as Record<string, string>;
}

function parseTags(value: unknown): CaughtEmail['tags'] {
  if (!isSet(value)) return [];
  const why =
    'Tag names and values can only contain ASCII letters, numbers, underscores or dashes, ' +
    'up to 256 characters.';
  if (!Array.isArray(value)) throw new Invalid(invalid('tags', why));
  return value.map((tag) => {
    if (!isObject(tag) || typeof tag.name !== 'string' || typeof tag.value !== 'string') {
      throw new Invalid(invalid('tags', why));
    }
    if (!TAG_PART.test(tag.name) || !TAG_PART.test(tag.value)) {
      throw new Invalid(invalid('tags', why));
    }
    return { name: tag.name, value: tag.value };
  });
}

function parseAttachments(value: unknown): CaughtAttachment[] {
  if (!isSet(value)) return [];
  if (!Array.isArray(value)) throw new Invalid(invalid('attachments', 'Expected an array.'));
  return value.map((attachment, index) => {
    const field = `attachments[${index}]`;
    if (!isObject(attachment)) throw new Invalid(invalid(field, 'Expected an object.'));
    const { content, path } = attachment;
    if (!isSet(content) && !isSet(path)) {
      throw new Invalid(
        resendError(
          422,
          'invalid_attachment',
          'Attachment must have either a `content` or `path`.',
        ),
      );
    }
    const text = (key: string) => {
      const v = attachment[key];
      if (!isSet(v)) return null;
      if (typeof v !== 'string') {
        throw new Invalid(invalid(`${field}.${key}`, 'Expected a string.'));
      }
      return v;
    };
    let size: number | null = null;
    if (isSet(content)) {
      // The client base64-encodes binary content before sending, so anything else is a bug.
      const encoded = typeof content === 'string' ? content.replace(/\s+/g, '') : null;
      // A length of 4n+1 cannot come from any byte string, padded or not.
      if (encoded === null || !BASE64.test(encoded) || encoded.length % 4 === 1) {
        throw new Invalid(invalid(`${field}.content`, 'Expected base64-encoded content.'));
      }
      size = Buffer.byteLength(encoded, 'base64');
    }
    return {
      filename: text('filename'),
      contentType: text('content_type'),
      contentId: text('content_id'),
      path: text('path'),
      size,
    };
  });
}

function parseSchedule(value: unknown): string | null {
  if (!isSet(value)) return null;
  const ok =
    typeof value === 'string' &&
    (NATURAL_SCHEDULE.test(value.trim()) || !Number.isNaN(Date.parse(value)));
  if (!ok) {
    throw new Invalid(
      invalid('scheduled_at', 'Use an ISO 8601 date (2024-08-05T11:52:01.858Z) or "in 1 hour".'),
    );
  }
  return value as string;
}

function parse(body: unknown, mode: 'single' | 'batch'): CaughtEmail {
  if (!isObject(body)) {
    throw new Invalid(resendError(422, 'validation_error', 'Expected the email as a JSON object.'));
  }
  // Hosted templates live in a Resend account; the catcher has none, so Resend's answer for an
  // unknown template is the faithful one.
  if (isSet(body.template)) throw new Invalid(resendError(404, 'not_found', 'Template not found'));

  if (!isSet(body.from) || body.from === '') throw new Invalid(missing('from'));
  if (typeof body.from !== 'string' || !isEmailAddress(body.from)) {
    throw new Invalid(invalid('from', ADDRESS_FORMAT));
  }
  if (!isSet(body.to) || (Array.isArray(body.to) && body.to.length === 0) || body.to === '') {
    throw new Invalid(missing('to'));
  }
  const to = addressList(body.to, 'to');
  if (to.length > MAX_RECIPIENTS) {
    throw new Invalid(invalid('to', `An email can have at most ${MAX_RECIPIENTS} recipients.`));
  }
  if (!isSet(body.subject) || body.subject === '') throw new Invalid(missing('subject'));
  if (typeof body.subject !== 'string') throw new Invalid(invalid('subject', 'Expected a string.'));

  const html = optionalString(body, 'html');
  const text = optionalString(body, 'text');
  // The client renders `react` to `html` before sending, so only html/text reach the API.
  if (html === null && text === null) {
    throw new Invalid(
      resendError(422, 'missing_required_field', 'Missing `html` or `text` field.'),
    );
  }
  if (mode === 'batch' && isSet(body.attachments)) {
    throw new Invalid(invalid('attachments', 'Attachments are not supported in batch emails.'));
  }
  if (mode === 'batch' && isSet(body.scheduled_at)) {
    throw new Invalid(invalid('scheduled_at', 'Scheduling is not supported in batch emails.'));
  }

  return {
    from: body.from,
    to,
    cc: isSet(body.cc) ? addressList(body.cc, 'cc') : [],
    bcc: isSet(body.bcc) ? addressList(body.bcc, 'bcc') : [],
    replyTo: isSet(body.reply_to) ? addressList(body.reply_to, 'reply_to') : [],
    subject: body.subject,
    html,
    text,
    headers: parseHeaders(body.headers),
    tags: parseTags(body.tags),
    attachments: parseAttachments(body.attachments),
    scheduledAt: parseSchedule(body.scheduled_at),
    topicId: optionalString(body, 'topic_id'),
  };
}

/** Validates one email the way Resend's POST /emails does and normalises it for the store. */
export function parseEmail(body: unknown, mode: 'single' | 'batch' = 'single'): ParsedEmail {
  try {
    return { ok: true, email: parse(body, mode) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.error };
    throw err;
  }
}
