import { createHash } from 'node:crypto';
import { ApiError, badRequest, notEmulated } from './api-error.js';
import { parseDuration, parseUnixSeconds } from './delay.js';
import { newId } from './ids.js';
import { compileRetryDelay } from './retry.js';
import {
  type CallbackSpec,
  type DeliverySpec,
  type HeaderMap,
  HTTP_METHODS,
  type HttpMethod,
  type IncomingHeaders,
  type NewMessage,
  type ScheduleSpec,
} from './types.js';

/** QStash's retry count when `Upstash-Retries` is absent (free plan). */
export const DEFAULT_RETRIES = 3;

const FORWARD_PREFIX = 'upstash-forward-';
const SCHEDULE_ID = /^[A-Za-z0-9._-]+$/;

/** Go's canonical header form (`x-tenant-id` → `X-Tenant-Id`), which QStash reports headers in. */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** One header's value, multiple values joined as HTTP does; undefined if absent. */
export function headerValue(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Resolves the `<destination>` path segment of `/v2/publish/<destination>`: a full URL, raw (the
 * client sends it so, its query string ending up as ours) or percent-encoded. Anything that is not
 * an http(s) URL is a URL group, queue or API name, none of which this emulator has.
 */
export function parseDestination(raw: string): string {
  let destination = raw;
  if (/^https?%3A/i.test(raw)) {
    try {
      destination = decodeURIComponent(raw);
    } catch {
      throw badRequest(`invalid destination url: ${raw} is not valid percent-encoding`);
    }
  }
  if (destination === '') throw badRequest('destination is required: /v2/publish/<url>');
  if (!/^[a-z][a-z0-9+.-]*:/i.test(destination)) {
    // QStash would look this up as a URL group (404 when there is none); we have none at all.
    throw new ApiError(
      404,
      `destination "${destination}" is not an http(s) URL; URL groups, queues and API ` +
        'destinations are not emulated by the devstack QStash emulator',
    );
  }
  validateUrl(destination, 'destination url');
  return destination;
}

function validateUrl(value: string, what: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`invalid ${what}: ${value}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw badRequest(`invalid ${what}: ${value} (must start with http:// or https://)`);
  }
}

function forwardedHeaders(headers: IncomingHeaders, prefix: string): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !name.startsWith(prefix) || name.length === prefix.length) continue;
    const canonical = canonicalHeaderName(name.slice(prefix.length));
    out[canonical] = [...(out[canonical] ?? []), ...(Array.isArray(value) ? value : [value])];
  }
  return out;
}

function parseMethod(value: string | undefined, header: string): HttpMethod | null {
  if (value === undefined) return null;
  const method = value.trim().toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw badRequest(
      `invalid ${header} header: ${value} (expected one of ${HTTP_METHODS.join(', ')})`,
    );
  }
  return method as HttpMethod;
}

function parseRetries(value: string | undefined, header: string): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,6}$/.test(value.trim())) {
    throw badRequest(`invalid ${header} header: ${value} (expected a non-negative integer)`);
  }
  return Number(value.trim());
}

function parseDurationHeader(value: string | undefined, header: string): number | null {
  if (value === undefined) return null;
  const ms = parseDuration(value);
  if (ms === null) {
    throw badRequest(
      `invalid ${header} header: ${value} (expected a duration such as 10s, 5m, 1h, 1d or 1d10h30m)`,
    );
  }
  return ms;
}

function parseRetryDelay(value: string | undefined, header: string): string | null {
  if (value === undefined) return null;
  try {
    compileRetryDelay(value);
  } catch (err) {
    throw badRequest(`invalid ${header} header: ${value} (${(err as Error).message})`);
  }
  return value;
}

function parseCallback(
  headers: IncomingHeaders,
  prefix: string,
  header: string,
): CallbackSpec | null {
  const url = headerValue(headers, prefix);
  if (url === undefined) return null;
  validateUrl(url, `${header} url`);
  return {
    url,
    headers: forwardedHeaders(headers, `${prefix}-forward-`),
    method: parseMethod(headerValue(headers, `${prefix}-method`), `${header}-Method`),
    retries: parseRetries(headerValue(headers, `${prefix}-retries`), `${header}-Retries`),
    timeoutMs: parseDurationHeader(headerValue(headers, `${prefix}-timeout`), `${header}-Timeout`),
    delayMs: parseDurationHeader(headerValue(headers, `${prefix}-delay`), `${header}-Delay`) ?? 0,
    retryDelay: parseRetryDelay(
      headerValue(headers, `${prefix}-retry-delay`),
      `${header}-Retry-Delay`,
    ),
  };
}

/** The delivery settings every publish-like request shares (method, headers, retries, callbacks). */
function parseDeliverySpec(input: {
  destination: string;
  headers: IncomingHeaders;
  body: Buffer;
  callerIp: string | null;
}): DeliverySpec {
  const { headers } = input;
  const forwarded = forwardedHeaders(headers, FORWARD_PREFIX);
  const contentType = headerValue(headers, 'content-type');
  if (contentType !== undefined) forwarded['Content-Type'] = [contentType];
  return {
    destination: input.destination,
    method: parseMethod(headerValue(headers, 'upstash-method'), 'Upstash-Method') ?? 'POST',
    headers: forwarded,
    body: input.body,
    maxRetries:
      parseRetries(headerValue(headers, 'upstash-retries'), 'Upstash-Retries') ?? DEFAULT_RETRIES,
    timeoutMs: parseDurationHeader(headerValue(headers, 'upstash-timeout'), 'Upstash-Timeout'),
    retryDelay: parseRetryDelay(headerValue(headers, 'upstash-retry-delay'), 'Upstash-Retry-Delay'),
    callback: parseCallback(headers, 'upstash-callback', 'Upstash-Callback'),
    failureCallback: parseCallback(headers, 'upstash-failure-callback', 'Upstash-Failure-Callback'),
    label: headerValue(headers, 'upstash-label') ?? null,
    callerIp: input.callerIp,
  };
}

function parseDedupId(headers: IncomingHeaders, spec: DeliverySpec): string | null {
  const explicit = headerValue(headers, 'upstash-deduplication-id');
  if (explicit !== undefined) {
    if (explicit.trim() === '') throw badRequest('invalid Upstash-Deduplication-Id header: empty');
    return `id:${explicit}`;
  }
  const contentBased = headerValue(headers, 'upstash-content-based-deduplication');
  if (contentBased === undefined || contentBased === 'false') return null;
  if (contentBased !== 'true') {
    throw badRequest(
      `invalid Upstash-Content-Based-Deduplication header: ${contentBased} (expected true or false)`,
    );
  }
  // QStash derives the id from destination, body and headers: the same message twice is a duplicate.
  const hash = createHash('sha256').update(spec.destination).update('\0').update(spec.body);
  for (const name of Object.keys(spec.headers).sort()) {
    hash.update(`\0${name}:${spec.headers[name]?.join(',')}`);
  }
  return `content:${hash.digest('hex')}`;
}

/**
 * Validates a publish (headers as Node gives them) and builds the message to store.
 * Throws ApiError 400 on anything QStash would refuse, before anything is stored.
 */
export function parsePublish(input: {
  destination: string;
  headers: IncomingHeaders;
  body: Buffer;
  callerIp: string | null;
  nowMs: number;
}): NewMessage {
  const { headers, nowMs } = input;
  if (headerValue(headers, 'upstash-queue-name') !== undefined) throw notEmulated('Queues');
  const spec = parseDeliverySpec(input);
  const delayMs = parseDurationHeader(headerValue(headers, 'upstash-delay'), 'Upstash-Delay');
  const notBeforeRaw = headerValue(headers, 'upstash-not-before');
  let notBefore = nowMs + (delayMs ?? 0);
  if (notBeforeRaw !== undefined) {
    const parsed = parseUnixSeconds(notBeforeRaw);
    if (parsed === null) {
      throw badRequest(
        `invalid Upstash-Not-Before header: ${notBeforeRaw} (expected unix seconds)`,
      );
    }
    // QStash: Upstash-Not-Before wins over Upstash-Delay; a time in the past means now.
    notBefore = Math.max(parsed, nowMs);
  }
  return {
    ...spec,
    id: newId('msg_'),
    notBefore,
    createdAt: nowMs,
    scheduleId: null,
    dedupId: parseDedupId(headers, spec),
  };
}

/** Validates a schedule create/upsert; `validateCron` refuses what QStash's cron refuses. */
export function parseScheduleCreate(input: {
  destination: string;
  headers: IncomingHeaders;
  body: Buffer;
  callerIp: string | null;
  nowMs: number;
  validateCron: (cron: string) => void;
  nextRun: (cron: string, afterMs: number) => number;
}): ScheduleSpec {
  const { headers } = input;
  if (headerValue(headers, 'upstash-queue-name') !== undefined) throw notEmulated('Queues');
  const cron = headerValue(headers, 'upstash-cron');
  if (cron === undefined || cron.trim() === '') throw badRequest('Upstash-Cron header is required');
  input.validateCron(cron);
  const requestedId = headerValue(headers, 'upstash-schedule-id');
  if (requestedId !== undefined && !SCHEDULE_ID.test(requestedId)) {
    throw badRequest(
      `invalid Upstash-Schedule-Id header: ${requestedId} (only letters, digits, '-', '.' and '_')`,
    );
  }
  const spec = parseDeliverySpec(input);
  return {
    ...spec,
    id: requestedId ?? newId('scd_'),
    cron,
    delayMs: parseDurationHeader(headerValue(headers, 'upstash-delay'), 'Upstash-Delay') ?? 0,
    createdAt: input.nowMs,
    nextRunAt: input.nextRun(cron, input.nowMs),
  };
}
