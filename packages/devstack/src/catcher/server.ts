import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  BodyTooLargeError,
  type CatcherRequest,
  json,
  type Reply,
  readBody,
  segment,
  send,
} from './http.js';
import { createIdempotencyStore } from './idempotency.js';
import { PAGE_SECURITY_HEADERS, renderDetail, renderList, renderNotFound } from './page.js';
import { createResendApi, isResendPath } from './resend-api.js';
import { createSmsApi, isSmsPath } from './sms-api.js';
import { MESSAGE_KINDS, type MessageFilter, type MessageKind, type MessageStore } from './store.js';
import { createWebhookSink, isWebhookPath } from './webhook-sink.js';

const MiB = 1024 * 1024;
// Resend allows 40 MB of attachments per email, which base64 and JSON inflate by about a third.
const EMAIL_BODY_LIMIT = 64 * MiB;
const WEBHOOK_BODY_LIMIT = 10 * MiB;
const DEFAULT_BODY_LIMIT = 1 * MiB;

export type CatcherServerOptions = {
  resendApiKey: string;
  smsToken: string | undefined;
  store: MessageStore;
};

const page = (status: number, html: string): Reply => ({
  status,
  headers: PAGE_SECURITY_HEADERS,
  body: html,
});

function bodyLimit(pathname: string) {
  if (isResendPath(pathname)) return EMAIL_BODY_LIMIT;
  if (isWebhookPath(pathname)) return WEBHOOK_BODY_LIMIT;
  return DEFAULT_BODY_LIMIT;
}

function parseFilter(params: URLSearchParams): MessageFilter | string {
  const filter: MessageFilter = {};
  const kind = params.get('kind');
  if (kind !== null) {
    if (!MESSAGE_KINDS.includes(kind as MessageKind)) {
      return `kind must be one of ${MESSAGE_KINDS.join(', ')}`;
    }
    filter.kind = kind as MessageKind;
  }
  const to = params.get('to');
  if (to !== null) filter.to = to;
  const name = params.get('name');
  if (name !== null) filter.name = name;
  return filter;
}

/** Builds the catcher's http server: Resend API, SMS API, webhook receivers, JSON API, page. */
export function createCatcherServer({ resendApiKey, smsToken, store }: CatcherServerOptions) {
  const idempotency = createIdempotencyStore();
  const handleResend = createResendApi({ apiKey: resendApiKey, store, idempotency });
  const handleSms = createSmsApi({ token: smsToken, store });
  const sink = createWebhookSink({ store });
  // Aborting it on close ends every delayed webhook reply at once.
  const closing = new AbortController();

  function handleMessagesApi(req: CatcherRequest): Reply {
    const { pathname, searchParams } = req.url;
    if (pathname === '/api/messages') {
      if (req.method === 'DELETE') {
        clear();
        return { status: 204 };
      }
      if (req.method !== 'GET') return json(405, { error: 'Use GET or DELETE.' });
      const filter = parseFilter(searchParams);
      if (typeof filter === 'string') return json(400, { error: filter });
      return json(200, { data: store.list(filter) });
    }
    if (req.method !== 'GET') return json(405, { error: 'Use GET.' });
    const id = /^\/api\/messages\/([^/]+)$/.exec(pathname)?.[1];
    const message = id ? store.get(segment(id) ?? '') : undefined;
    return message ? json(200, message) : json(404, { error: 'No such message.' });
  }

  function handlePage(req: CatcherRequest): Reply {
    const { pathname, searchParams } = req.url;
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'Use GET.' });
    if (pathname === '/') {
      // An unknown kind in a hand-typed URL just shows everything.
      const filter = parseFilter(searchParams);
      const kind = typeof filter === 'string' ? undefined : filter.kind;
      return page(200, renderList(store.list({ kind }), kind));
    }
    const id = /^\/messages\/([^/]+)$/.exec(pathname)?.[1];
    const message = id ? store.get(segment(id) ?? '') : undefined;
    return message ? page(200, renderDetail(message)) : page(404, renderNotFound());
  }

  async function route(req: CatcherRequest): Promise<Reply> {
    const { pathname } = req.url;
    if (isResendPath(pathname)) return handleResend(req);
    if (isSmsPath(pathname)) return handleSms(req);
    if (isWebhookPath(pathname)) return sink.handleWebhook(req);
    if (pathname === '/api/messages' || pathname.startsWith('/api/messages/')) {
      return handleMessagesApi(req);
    }
    if (pathname === '/' || pathname.startsWith('/messages/')) return handlePage(req);
    // Shaped like Resend's answer, since the `resend` client is the likeliest caller to get lost.
    return json(404, {
      statusCode: 404,
      name: 'not_found',
      message: 'The requested endpoint does not exist.',
    });
  }

  async function onRequest(incoming: IncomingMessage, res: ServerResponse) {
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, closing.signal]);
    try {
      // Prefixing instead of passing a base keeps `//emails` a path rather than a host.
      const url = new URL(`http://catcher.invalid${incoming.url ?? '/'}`);
      const body = await readBody(incoming, bodyLimit(url.pathname));
      const method = incoming.method ?? 'GET';
      send(res, await route({ method, url, headers: incoming.headers, body, signal }));
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof BodyTooLargeError) {
        send(res, json(413, { error: err.message }, { connection: 'close' }));
        return;
      }
      // The stack goes to the console; the client gets no internals.
      console.error('catcher: request failed', err);
      send(res, json(500, { error: 'The catcher failed to handle this request.' }));
    }
  }

  function clear() {
    store.clear();
    idempotency.clear();
    sink.reset();
  }

  const server: Server = createServer((req, res) => void onRequest(req, res));
  return {
    server,
    clear,
    /** Ends delayed replies so closing the server does not wait for them. */
    abortPending() {
      closing.abort();
    },
  };
}
