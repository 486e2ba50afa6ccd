import type { CaughtMessage, MessageKind } from './store.js';

/** How often the list page reloads itself. */
const REFRESH_SECONDS = 3;
const SNIPPET_CHARS = 120;
// The store holds thousands; rendering them all every few seconds would make the page crawl.
const LIST_LIMIT = 500;

/**
 * Sent with every page. No script may run at all (the list refreshes with a meta tag), and the
 * policy also binds the email iframe, whose srcdoc document inherits it.
 */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CSS = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1 { font-size: 1.25rem; margin: 0 0 1rem; } h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
nav a { margin-right: 1rem; } nav a[aria-current] { font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 500; }
.kind { font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; padding: .1rem .4rem;
  border-radius: .25rem; background: #eef2ff; color: #3730a3; }
.kind.sms { background: #ecfdf5; color: #065f46; } .kind.webhook { background: #fff7ed; color: #9a3412; }
.muted, time { color: var(--muted); white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
pre { background: #f9fafb; color: #111827; border: 1px solid var(--line); border-radius: .375rem;
  padding: .75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
iframe { width: 100%; height: 32rem; border: 1px solid var(--line); border-radius: .375rem;
  background: #fff; }
`;

function layout(title: string, body: string, head = '') {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${head}<title>${escapeHtml(title)} · AnythingIoT catcher</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const time = (iso: string) =>
  `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.slice(0, 19).replace('T', ' '))}</time>`;

const snippet = (text: string) =>
  text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;

function summary(message: CaughtMessage): { to: string; what: string } {
  switch (message.kind) {
    case 'email':
      return { to: message.payload.to.join(', '), what: message.payload.subject };
    case 'sms':
      return { to: message.payload.to, what: snippet(message.payload.body) };
    case 'webhook': {
      const { name, method, status, body, bodyEncoding } = message.payload;
      const preview = bodyEncoding === 'utf8' ? snippet(body) : '(binary body)';
      return { to: name, what: `${method} → ${status} ${preview}` };
    }
  }
}

/** The list of caught messages, newest first, reloading itself every few seconds. */
export function renderList(all: CaughtMessage[], kind?: MessageKind): string {
  const messages = all.slice(0, LIST_LIMIT);
  const tabs = [
    ['All', '/', kind === undefined],
    ['Email', '/?kind=email', kind === 'email'],
    ['SMS', '/?kind=sms', kind === 'sms'],
    ['Webhooks', '/?kind=webhook', kind === 'webhook'],
  ] as const;
  const nav = tabs
    .map(
      ([label, href, current]) =>
        `<a href="${href}"${current ? ' aria-current="page"' : ''}>${label}</a>`,
    )
    .join('');
  const rows = messages
    .map((message) => {
      const { to, what } = summary(message);
      const href = `/messages/${encodeURIComponent(message.id)}`;
      return `<tr><td>${time(message.createdAt)}</td><td><span class="kind ${message.kind}">${message.kind}</span></td><td>${escapeHtml(to)}</td><td><a href="${escapeHtml(href)}">${escapeHtml(what || '(empty)')}</a></td></tr>`;
    })
    .join('\n');
  const table = messages.length
    ? `<table><thead><tr><th>Time (UTC)</th><th>Kind</th><th>To</th><th>Subject / body</th></tr></thead><tbody>\n${rows}\n</tbody></table>`
    : '<p class="muted">Nothing caught yet. This page refreshes itself.</p>';
  return layout(
    'Caught messages',
    `<h1>Caught messages <span class="muted">(${all.length > LIST_LIMIT ? `newest ${LIST_LIMIT} of ` : ''}${all.length})</span></h1>\n<nav>${nav}</nav>\n${table}`,
    `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n`,
  );
}

function details(pairs: [string, string | null | undefined][]) {
  const items = pairs
    .filter(([, value]) => value)
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value ?? '')}</dd>`)
    .join('');
  return `<dl>${items}</dl>`;
}

function renderEmail(message: Extract<CaughtMessage, { kind: 'email' }>) {
  const email = message.payload;
  const attachments = email.attachments
    .map(
      (a) => `${a.filename ?? a.path ?? '(unnamed)'}${a.size === null ? '' : ` (${a.size} bytes)`}`,
    )
    .join(', ');
  const parts = [
    `<h1>${escapeHtml(email.subject)}</h1>`,
    details([
      ['From', email.from],
      ['To', email.to.join(', ')],
      ['Cc', email.cc.join(', ')],
      ['Bcc', email.bcc.join(', ')],
      ['Reply-To', email.replyTo.join(', ')],
      ['Scheduled', email.scheduledAt],
      ['Tags', email.tags.map((t) => `${t.name}=${t.value}`).join(', ')],
      [
        'Headers',
        Object.entries(email.headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; '),
      ],
      ['Attachments', attachments],
      ['Id', message.id],
    ]),
  ];
  if (email.html !== null) {
    // sandbox="" gives the email an opaque origin with no script, forms, popups or navigation,
    // so nothing in it can touch this page; srcdoc keeps it off the network.
    parts.push(
      '<h2>HTML</h2>',
      `<iframe sandbox="" srcdoc="${escapeHtml(email.html)}" title="HTML part"></iframe>`,
    );
  }
  if (email.text !== null) parts.push('<h2>Text</h2>', `<pre>${escapeHtml(email.text)}</pre>`);
  return parts.join('\n');
}

function renderSms(message: Extract<CaughtMessage, { kind: 'sms' }>) {
  const sms = message.payload;
  return [
    `<h1>SMS to ${escapeHtml(sms.to)}</h1>`,
    details([
      ['From', sms.from],
      ['To', sms.to],
      ['Account', sms.accountSid],
      ['Segments', String(sms.numSegments)],
      ['Sid', message.id],
    ]),
    `<h2>Body</h2><pre>${escapeHtml(sms.body)}</pre>`,
  ].join('\n');
}

function renderWebhook(message: Extract<CaughtMessage, { kind: 'webhook' }>) {
  const hook = message.payload;
  const headers = Object.entries(hook.headers)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : value}`)
    .join('\n');
  return [
    `<h1>Webhook ${escapeHtml(hook.name)}</h1>`,
    details([
      ['Request', `${hook.method} ${hook.path}`],
      ['Answered', String(hook.status)],
      ['Delay', hook.delayMs ? `${hook.delayMs} ms` : null],
      ['Id', message.id],
    ]),
    `<h2>Headers</h2><pre>${escapeHtml(headers)}</pre>`,
    `<h2>Body${hook.bodyEncoding === 'base64' ? ' (base64)' : ''}</h2><pre>${escapeHtml(hook.body)}</pre>`,
  ].join('\n');
}

/** One caught message in full; an email's HTML part is rendered in a sandboxed iframe. */
export function renderDetail(message: CaughtMessage): string {
  const body =
    message.kind === 'email'
      ? renderEmail(message)
      : message.kind === 'sms'
        ? renderSms(message)
        : renderWebhook(message);
  const title =
    message.kind === 'email' ? message.payload.subject : `${message.kind} ${message.id}`;
  const nav = `<nav><a href="/">← All messages</a><a href="/api/messages/${encodeURIComponent(message.id)}">JSON</a></nav>`;
  return layout(title, `${nav}\n<p>${time(message.createdAt)}</p>\n${body}`);
}

/** A plain not-found page. */
export function renderNotFound(): string {
  return layout('Not found', '<nav><a href="/">← All messages</a></nav>\n<h1>Not found</h1>');
}
