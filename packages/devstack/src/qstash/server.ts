import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, badRequest, notEmulated, notFound } from './api-error.js';
import type { DeliveryLoop } from './delivery.js';
import { newId } from './ids.js';
import { parseDestination, parsePublish, parseScheduleCreate } from './publish-request.js';
import { dlqJson, messageJson, scheduleJson } from './responses.js';
import { nextRun, validateCron } from './schedules.js';
import type { QStashStore } from './store.js';
import type { DlqEntry, Filter, IncomingHeaders, NewMessage } from './types.js';

/** QStash keeps deduplication ids for 10 minutes. */
export const DEDUP_WINDOW_MS = 10 * 60_000;
/** QStash's free-plan message size limit. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** A batch carries many messages; cap the request itself well above one message. */
const MAX_REQUEST_BYTES = 16 * MAX_MESSAGE_BYTES;
const DLQ_PAGE_MAX = 100;

export type ServerDeps = {
  store: QStashStore;
  loop: DeliveryLoop;
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  now: () => number;
  log: (line: string) => void;
};

type Request = {
  method: string;
  path: string;
  /** Path and query exactly as received: a publish destination keeps its own query string. */
  rawTarget: string;
  query: URLSearchParams;
  headers: IncomingHeaders;
  body: Buffer;
  callerIp: string | null;
};
type Reply = { status: number; body?: unknown };

/** The QStash REST API (v2) over node:http, answering errors as `{ "error": "…" }`. */
export function createQStashServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req)
      .then((reply) => send(res, reply))
      .catch((err: unknown) => {
        if (err instanceof ApiError)
          return send(res, { status: err.status, body: { error: err.message } });
        deps.log(`qstash: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
        send(res, {
          status: 500,
          body: { error: 'internal error in the QStash emulator; see its log' },
        });
      });
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  res
    .writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    })
    .end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      size > MAX_REQUEST_BYTES
        ? reject(new ApiError(413, `request body of ${size} bytes is too large`))
        : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/** Constant-time: hashing first makes both sides the same length, so length leaks nothing either. */
function authorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = createHash('sha256').update(match[1]!.trim()).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}

async function handle(deps: ServerDeps, req: IncomingMessage): Promise<Reply> {
  const body = await readBody(req);
  if (!authorized(req.headers.authorization, deps.token)) {
    throw new ApiError(
      401,
      'Unauthorized: missing or invalid token (expected Authorization: Bearer <QSTASH_TOKEN>)',
    );
  }
  const rawTarget = req.url ?? '/';
  const q = rawTarget.indexOf('?');
  const request: Request = {
    method: req.method ?? 'GET',
    path: q === -1 ? rawTarget : rawTarget.slice(0, q),
    rawTarget,
    query: new URLSearchParams(q === -1 ? '' : rawTarget.slice(q + 1)),
    headers: req.headers,
    body,
    callerIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null,
  };
  return route(deps, request);
}

/** A path segment (an id); malformed percent-encoding is the caller's error, not a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid percent-encoding in ${segment}`);
  }
}

function allow(request: Request, ...methods: string[]): void {
  if (!methods.includes(request.method)) {
    throw new ApiError(
      405,
      `${request.method} is not allowed on ${request.path} (use ${methods.join(' or ')})`,
    );
  }
}

function route(deps: ServerDeps, r: Request): Promise<Reply> | Reply {
  const { path } = r;
  if (path.startsWith('/v2/publish/')) {
    allow(r, 'POST');
    return publish(deps, r, r.rawTarget.slice('/v2/publish/'.length));
  }
  if (path === '/v2/batch') {
    allow(r, 'POST');
    return batch(deps, r);
  }
  if (path === '/v2/messages') {
    allow(r, 'DELETE');
    return cancelMatching(deps, r);
  }
  const message = /^\/v2\/messages\/([^/]+)$/.exec(path);
  if (message) {
    allow(r, 'GET', 'DELETE');
    const id = decodeSegment(message[1]!);
    return r.method === 'GET' ? getMessage(deps, id) : cancelOne(deps, id);
  }
  if (path === '/v2/schedules') {
    allow(r, 'GET');
    return deps.store.listSchedules().then((all) => ({ status: 200, body: all.map(scheduleJson) }));
  }
  if (path.startsWith('/v2/schedules/')) {
    return schedules(deps, r, r.rawTarget.slice('/v2/schedules/'.length));
  }
  if (path === '/v2/dlq' || path.startsWith('/v2/dlq/')) return dlq(deps, r);
  if (path === '/v2/keys') {
    allow(r, 'GET');
    return { status: 200, body: { current: deps.currentSigningKey, next: deps.nextSigningKey } };
  }
  throw notEmulated(notEmulatedName(path, r.method));
}

function notEmulatedName(path: string, method: string): string {
  const areas: [RegExp, string][] = [
    [/^\/v2\/enqueue\//, 'Enqueueing to queues (/v2/enqueue)'],
    [/^\/v2\/queues/, 'Queues (/v2/queues)'],
    [/^\/v2\/topics/, 'URL groups (/v2/topics)'],
    [/^\/v2\/(events|logs)/, 'Logs (/v2/logs)'],
    [/^\/v2\/flowControl/, 'Flow control (/v2/flowControl)'],
    [/^\/v2\/globalParallelism/, 'Flow control (/v2/globalParallelism)'],
    [/^\/v2\/workflows/, 'Workflows (/v2/workflows)'],
    [/^\/v2\/keys\/rotate/, 'Signing key rotation'],
    [/^\/(v2\/)?llm|^\/v1\/chat/, 'The LLM API'],
  ];
  return areas.find(([pattern]) => pattern.test(path))?.[1] ?? `${method} ${path}`;
}

function checkSize(body: Buffer, what = 'message'): void {
  if (body.length > MAX_MESSAGE_BYTES) {
    throw new ApiError(
      413,
      `${what} body is ${body.length} bytes; QStash's limit is ${MAX_MESSAGE_BYTES} bytes`,
    );
  }
}

async function publish(deps: ServerDeps, r: Request, rawDestination: string): Promise<Reply> {
  const destination = parseDestination(rawDestination);
  checkSize(r.body);
  const nowMs = deps.now();
  const message = parsePublish({
    destination,
    headers: r.headers,
    body: r.body,
    callerIp: r.callerIp,
    nowMs,
  });
  const [{ messageId, deduplicated }] = (await deps.store.insertMessages([message], {
    nowMs,
    dedupWindowMs: DEDUP_WINDOW_MS,
  })) as [{ messageId: string; deduplicated: boolean }];
  if (!deduplicated) deps.loop.poke(message.notBefore);
  // QStash answers a duplicate with 202 and the first message's id.
  return deduplicated
    ? { status: 202, body: { messageId, url: destination, deduplicated: true } }
    : { status: 200, body: { messageId, url: destination } };
}

async function batch(deps: ServerDeps, r: Request): Promise<Reply> {
  let items: unknown;
  try {
    items = JSON.parse(r.body.toString('utf8'));
  } catch {
    throw badRequest('invalid batch body: expected a JSON array of { destination, headers, body }');
  }
  if (!Array.isArray(items)) {
    throw badRequest('invalid batch body: expected a JSON array of { destination, headers, body }');
  }
  const nowMs = deps.now();
  // Validate every entry before storing any, so a bad entry leaves the whole batch unstored.
  const messages = items.map((item: unknown, i): NewMessage => {
    try {
      return parseBatchItem(item, r.callerIp, nowMs);
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.status, `batch[${i}]: ${err.message}`);
      throw err;
    }
  });
  const results = await deps.store.insertMessages(messages, {
    nowMs,
    dedupWindowMs: DEDUP_WINDOW_MS,
  });
  results.forEach((result, i) => {
    if (!result.deduplicated) deps.loop.poke(messages[i]!.notBefore);
  });
  return {
    status: 200,
    body: results.map((result, i) => ({
      messageId: result.messageId,
      url: messages[i]!.destination,
      ...(result.deduplicated ? { deduplicated: true } : {}),
    })),
  };
}

function parseBatchItem(item: unknown, callerIp: string | null, nowMs: number): NewMessage {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw badRequest('expected an object { destination, headers, body }');
  }
  const { destination, headers = {}, body = '', queue } = item as Record<string, unknown>;
  if (queue !== undefined) throw notEmulated('Queues');
  if (typeof destination !== 'string')
    throw badRequest('destination is required and must be a string');
  if (typeof body !== 'string') throw badRequest('body must be a string');
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw badRequest('headers must be an object of header names to strings');
  }
  const lower: IncomingHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw badRequest(`header ${name} must be a string`);
    lower[name.toLowerCase()] = value;
  }
  const bytes = Buffer.from(body, 'utf8');
  checkSize(bytes);
  return parsePublish({
    destination: parseDestination(destination),
    headers: lower,
    body: bytes,
    callerIp,
    nowMs,
  });
}

async function getMessage(deps: ServerDeps, id: string): Promise<Reply> {
  const message = await deps.store.getMessage(id);
  if (!message) throw notFound(`message ${id} not found`);
  return { status: 200, body: messageJson(message) };
}

async function cancelOne(deps: ServerDeps, id: string): Promise<Reply> {
  const cancelled = await deps.store.cancelMessages({ ids: [id] });
  if (cancelled === 0) throw notFound(`message ${id} not found`);
  return { status: 200, body: { cancelled } };
}

// Filters that select things this emulator never has (URL groups, queues, flow control).
const UNMATCHABLE = ['topicName', 'queueName', 'flowControlKey'];

function parseFilter(query: URLSearchParams, idsParam: string): Filter | null {
  if (UNMATCHABLE.some((name) => query.has(name))) return null;
  const filter: Filter = {};
  const ids = query.getAll(idsParam);
  if (ids.length > 0) return { ids };
  const text = (name: string) => query.get(name) ?? undefined;
  const int = (name: string) => {
    const value = query.get(name);
    if (value === null) return undefined;
    if (!/^\d+$/.test(value)) throw badRequest(`invalid ${name}: ${value} (expected an integer)`);
    return Number(value);
  };
  filter.messageId = text('messageId');
  filter.url = text('url');
  filter.label = text('label');
  filter.scheduleId = text('scheduleId');
  filter.callerIp = text('callerIp') ?? text('callerIP');
  filter.fromDate = int('fromDate');
  filter.toDate = int('toDate');
  filter.responseStatus = int('responseStatus');
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Filter;
}

async function cancelMatching(deps: ServerDeps, r: Request): Promise<Reply> {
  const filter = parseFilter(r.query, 'messageIds');
  const cancelled = filter === null ? 0 : await deps.store.cancelMessages(filter);
  return { status: 200, body: { cancelled } };
}

async function schedules(deps: ServerDeps, r: Request, rest: string): Promise<Reply> {
  const action = /^([^/?]+)\/(pause|resume)$/.exec(r.path.slice('/v2/schedules/'.length));
  if (!/^https?(:|%3A)/i.test(rest) && action) {
    allow(r, 'PATCH', 'POST');
    const id = decodeSegment(action[1]!);
    const paused = action[2] === 'pause';
    const found = await deps.store.setPaused(id, paused, (s) => nextRun(s.cron, deps.now()));
    if (!found) throw notFound(`schedule ${id} not found`);
    if (!paused) deps.loop.poke(deps.now());
    return { status: 200 };
  }
  if (r.method === 'POST') {
    const destination = parseDestination(rest);
    checkSize(r.body);
    const schedule = parseScheduleCreate({
      destination,
      headers: r.headers,
      body: r.body,
      callerIp: r.callerIp,
      nowMs: deps.now(),
      validateCron,
      nextRun,
    });
    await deps.store.upsertSchedule(schedule);
    deps.loop.poke(schedule.nextRunAt);
    return { status: 200, body: { scheduleId: schedule.id } };
  }
  allow(r, 'GET', 'DELETE', 'POST');
  const id = decodeSegment(r.path.slice('/v2/schedules/'.length));
  if (r.method === 'GET') {
    const schedule = await deps.store.getSchedule(id);
    if (!schedule) throw notFound(`schedule ${id} not found`);
    return { status: 200, body: scheduleJson(schedule) };
  }
  if (!(await deps.store.deleteSchedule(id))) throw notFound(`schedule ${id} not found`);
  return { status: 200 };
}

function republish(entry: DlqEntry, nowMs: number): NewMessage {
  return { ...entry, id: newId('msg_'), notBefore: nowMs, createdAt: nowMs, dedupId: null };
}

async function dlq(deps: ServerDeps, r: Request): Promise<Reply> {
  const { store } = deps;
  const rest = r.path.slice('/v2/dlq'.length);
  if (rest === '' || rest === '/') {
    allow(r, 'GET', 'DELETE');
    const filter = parseFilter(r.query, 'dlqIds');
    const count = pageCount(r.query);
    if (r.method === 'DELETE') {
      if (filter === null) return { status: 200, body: { deleted: 0 } };
      const limit = filter.ids ? null : count;
      const deleted = await store.deleteDlq(filter, limit);
      const more =
        limit !== null &&
        deleted === limit &&
        (await store.listDlq(filter, { count: 1, offset: 0, order: 'earliestFirst' })).entries
          .length > 0;
      return { status: 200, body: { deleted, ...(more ? { cursor: 'more' } : {}) } };
    }
    if (filter === null) return { status: 200, body: { messages: [] } };
    const cursor = r.query.get('cursor');
    if (cursor !== null && !/^\d+$/.test(cursor)) throw badRequest(`invalid cursor: ${cursor}`);
    const offset = Number(cursor ?? 0);
    const order = r.query.get('order') === 'earliestFirst' ? 'earliestFirst' : 'latestFirst';
    const page = await store.listDlq(filter, { count, offset, order });
    return {
      status: 200,
      body: {
        messages: page.entries.map(dlqJson),
        ...(page.more ? { cursor: String(offset + count) } : {}),
      },
    };
  }
  if (rest === '/retry' || rest.startsWith('/retry/')) {
    allow(r, 'POST');
    const single = rest.startsWith('/retry/') ? decodeSegment(rest.slice('/retry/'.length)) : null;
    const filter = single !== null ? { ids: [single] } : parseFilter(r.query, 'dlqIds');
    if (filter === null) return { status: 201, body: { responses: [] } };
    const nowMs = deps.now();
    const retried = await store.retryDlq(filter, filter.ids ? null : pageCount(r.query), (e) =>
      republish(e, nowMs),
    );
    deps.loop.poke(nowMs);
    if (single !== null) {
      if (retried.length === 0) throw notFound(`DLQ message ${single} not found`);
      return { status: 201, body: { messageId: retried[0]!.messageId } };
    }
    return { status: 201, body: { responses: retried.map(({ messageId }) => ({ messageId })) } };
  }
  const id = decodeSegment(rest.slice(1));
  allow(r, 'GET', 'DELETE');
  if (r.method === 'GET') {
    const entry = await store.getDlq(id);
    if (!entry) throw notFound(`DLQ message ${id} not found`);
    return { status: 200, body: dlqJson(entry) };
  }
  if ((await store.deleteDlq({ ids: [id] }, null)) === 0)
    throw notFound(`DLQ message ${id} not found`);
  return { status: 200 };
}

function pageCount(query: URLSearchParams): number {
  const raw = query.get('count');
  if (raw === null) return DLQ_PAGE_MAX;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`invalid count: ${raw}`);
  return Math.min(Number(raw), DLQ_PAGE_MAX);
}
