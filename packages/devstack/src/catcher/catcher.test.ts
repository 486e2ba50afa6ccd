import { createServer } from 'node:http';
import { type CreateEmailOptions, Resend } from 'resend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeServer, listen, PortInUseError } from '../net/listen.js';
import { createIdempotencyStore } from './idempotency.js';
import { type CaughtMessage, type RunningCatcher, startCatcher } from './index.js';
import { createStore } from './store.js';

const API_KEY = 're_catcher_test_key';
const SMS_TOKEN = 'sms-test-token';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let catcher: RunningCatcher;
let resend: Resend;

beforeAll(async () => {
  catcher = await startCatcher({ port: 0, resendApiKey: API_KEY, smsToken: SMS_TOKEN });
  resend = new Resend(API_KEY, { baseUrl: catcher.url });
});
afterAll(() => catcher.close());
beforeEach(() => catcher.clear());

const email = (overrides: Record<string, unknown> = {}) =>
  ({
    from: 'AnythingIoT <alerts@anythingiot.test>',
    to: 'ops@example.com',
    subject: 'Freezer 3 is above -18 °C',
    html: '<p>Freezer <b>3</b> is warm.</p>',
    text: 'Freezer 3 is warm.',
    ...overrides,
  }) as CreateEmailOptions;

async function getJson(path: string) {
  const res = await fetch(`${catcher.url}${path}`);
  return { status: res.status, body: await res.json() };
}

async function getPage(path: string) {
  const res = await fetch(`${catcher.url}${path}`);
  return { status: res.status, headers: res.headers, html: await res.text() };
}

function sendSms(
  fields: Record<string, string>,
  { user = ACCOUNT_SID, password = SMS_TOKEN, accountSid = ACCOUNT_SID } = {},
) {
  return fetch(`${catcher.url}/sms/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields),
  });
}

describe('Resend emails.send through the real client', () => {
  it('lands, and is visible through messages(), the JSON API and the page', async () => {
    const { data, error } = await resend.emails.send(
      email({
        cc: ['Boss <boss@example.com>'],
        tags: [{ name: 'category', value: 'excursion' }],
        headers: { 'X-Entity-Ref-ID': 'alr_123' },
        attachments: [{ filename: 'readings.csv', content: Buffer.from('t,c\n1,-17.5\n') }],
      }),
    );
    expect(error).toBeNull();
    expect(data?.id).toMatch(UUID);

    const [caught] = catcher.messages({ kind: 'email' });
    expect(caught).toMatchObject({ id: data?.id, kind: 'email' });

    const api = await getJson('/api/messages?kind=email&to=OPS@example.com');
    expect(api.status).toBe(200);
    expect(api.body.data).toHaveLength(1);
    expect(api.body.data[0].payload).toMatchObject({
      from: 'AnythingIoT <alerts@anythingiot.test>',
      to: ['ops@example.com'],
      cc: ['Boss <boss@example.com>'],
      subject: 'Freezer 3 is above -18 °C',
      tags: [{ name: 'category', value: 'excursion' }],
      headers: { 'X-Entity-Ref-ID': 'alr_123' },
      attachments: [{ filename: 'readings.csv', size: 12, path: null }],
    });
    // A cc recipient counts as a recipient; someone else does not.
    expect((await getJson('/api/messages?to=boss@example.com')).body.data).toHaveLength(1);
    expect((await getJson('/api/messages?to=nobody@example.com')).body.data).toHaveLength(0);
    expect((await getJson(`/api/messages/${data?.id}`)).body.id).toBe(data?.id);

    const list = await getPage('/');
    expect(list.html).toContain('Freezer 3 is above -18 °C');
    expect(list.html).toContain(`/messages/${data?.id}`);
    const detail = await getPage(`/messages/${data?.id}`);
    expect(detail.html).toContain('<iframe sandbox="" srcdoc="&lt;p&gt;Freezer &lt;b&gt;3');
    expect(detail.html).toContain('<pre>Freezer 3 is warm.</pre>');
    expect(detail.html).toContain('readings.csv (12 bytes)');
  });

  it('is reached through RESEND_BASE_URL as well as the baseUrl option', async () => {
    vi.stubEnv('RESEND_BASE_URL', catcher.url);
    try {
      const { data, error } = await new Resend(API_KEY).emails.send(email());
      expect(error).toBeNull();
      expect(catcher.messages()[0]?.id).toBe(data?.id);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('answers emails.get with the email object Resend returns', async () => {
    const sent = await resend.emails.send(email({ bcc: 'audit@example.com' }));
    const { data, error } = await resend.emails.get(sent.data?.id ?? '');
    expect(error).toBeNull();
    expect(data).toMatchObject({
      object: 'email',
      id: sent.data?.id,
      to: ['ops@example.com'],
      from: 'AnythingIoT <alerts@anythingiot.test>',
      subject: 'Freezer 3 is above -18 °C',
      html: '<p>Freezer <b>3</b> is warm.</p>',
      text: 'Freezer 3 is warm.',
      bcc: ['audit@example.com'],
      cc: null,
      reply_to: null,
      last_event: 'delivered',
      scheduled_at: null,
    });
    expect(data?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00$/);

    const unknown = await resend.emails.get('00000000-0000-4000-8000-000000000000');
    expect(unknown.error).toMatchObject({ statusCode: 404, name: 'not_found' });
    const malformed = await resend.emails.get('not-a-uuid');
    expect(malformed.error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
  });

  it('marks an email scheduled for later as scheduled', async () => {
    const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
    const sent = await resend.emails.send(email({ scheduledAt }));
    const { data } = await resend.emails.get(sent.data?.id ?? '');
    expect(data).toMatchObject({ last_event: 'scheduled', scheduled_at: scheduledAt });
  });

  it('rejects a missing API key with 401 and a wrong one with 403, storing nothing', async () => {
    // The client refuses to start without a key, so the missing-key case is a raw request.
    const res = await fetch(`${catcher.url}/emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(email()),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      statusCode: 401,
      name: 'missing_api_key',
      message: 'Missing API key in the authorization header.',
    });

    const wrong = new Resend('re_wrong_key', { baseUrl: catcher.url });
    const { data, error } = await wrong.emails.send(email());
    expect(data).toBeNull();
    expect(error).toEqual({
      statusCode: 403,
      name: 'invalid_api_key',
      message: 'API key is invalid.',
    });
    expect((await wrong.emails.get('00000000-0000-4000-8000-000000000000')).error?.name).toBe(
      'invalid_api_key',
    );
    expect(catcher.messages()).toEqual([]);
  });

  it.each([
    ['from is missing', { from: undefined }, 'missing_required_field', '`from`'],
    ['from is malformed', { from: 'alerts at anythingiot' }, 'validation_error', '`from`'],
    ['to is missing', { to: undefined }, 'missing_required_field', '`to`'],
    ['to is malformed', { to: ['ok@example.com', 'nope'] }, 'validation_error', '`to`'],
    [
      'to has more than 50 recipients',
      { to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) },
      'validation_error',
      '`to`',
    ],
    ['subject is missing', { subject: undefined }, 'missing_required_field', '`subject`'],
    [
      'html and text are missing',
      { html: undefined, text: undefined },
      'missing_required_field',
      '`html`',
    ],
    ['cc is malformed', { cc: 'boss@' }, 'validation_error', '`cc`'],
    ['replyTo is malformed', { replyTo: ['x'] }, 'validation_error', '`reply_to`'],
    ['a tag has a space', { tags: [{ name: 'a b', value: 'c' }] }, 'validation_error', '`tags`'],
    ['headers are not strings', { headers: { 'X-N': 1 } }, 'validation_error', '`headers`'],
    ['scheduledAt is not a date', { scheduledAt: 'soonish' }, 'validation_error', '`scheduled_at`'],
    [
      'an attachment has neither content nor path',
      { attachments: [{ filename: 'a.txt' }] },
      'invalid_attachment',
      '`content`',
    ],
    [
      'attachment content is not base64',
      { attachments: [{ filename: 'a.txt', content: 'plain text!' }] },
      'validation_error',
      '`attachments[0].content`',
    ],
  ])(
    'rejects an email whose %s, naming the field and storing nothing',
    async (_, overrides, name, field) => {
      const { data, error } = await resend.emails.send(email(overrides));
      expect(data).toBeNull();
      expect(error).toMatchObject({ statusCode: 422, name });
      expect(error?.message).toContain(field);
      expect(catcher.messages()).toEqual([]);
    },
  );

  it('answers a hosted template with not_found, as Resend does for a template it does not have', async () => {
    const { error } = await resend.emails.send({
      to: 'ops@example.com',
      template: { id: 'welcome', variables: { name: 'Ada' } },
    });
    expect(error).toMatchObject({ statusCode: 404, name: 'not_found' });
    expect(catcher.messages()).toEqual([]);
  });

  it('answers malformed JSON with 400 and stores nothing', async () => {
    const res = await fetch(`${catcher.url}/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: '{"from":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, name: 'validation_error' });
    expect(catcher.messages()).toEqual([]);
  });
});

describe('Resend batch.send', () => {
  it('stores every email and answers their ids in order', async () => {
    const { data, error } = await resend.batch.send([
      email({ to: 'a@example.com' }),
      email({ to: 'b@example.com' }),
    ]);
    expect(error).toBeNull();
    expect(data?.data).toHaveLength(2);
    const ids = data?.data.map((entry) => entry.id) ?? [];
    expect(catcher.messages({ to: 'a@example.com' })[0]?.id).toBe(ids[0]);
    expect(catcher.messages({ to: 'b@example.com' })[0]?.id).toBe(ids[1]);
  });

  it('rejects a whole strict batch when one email is invalid, storing nothing', async () => {
    const { data, error } = await resend.batch.send([email(), email({ subject: undefined })]);
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'missing_required_field' });
    expect(error?.message).toContain('emails[1]');
    expect(error?.message).toContain('`subject`');
    expect(catcher.messages()).toEqual([]);
  });

  it('stores the valid emails of a permissive batch and reports the others by index', async () => {
    const { data } = await resend.batch.send([email(), email({ to: 'nope' })], {
      batchValidation: 'permissive',
    });
    expect(data?.data).toHaveLength(1);
    expect(data?.errors).toEqual([{ index: 1, message: expect.stringContaining('`to`') }]);
    expect(catcher.messages()).toHaveLength(1);
  });

  it('rejects more than 100 emails and emails with attachments', async () => {
    const tooMany = await resend.batch.send(Array.from({ length: 101 }, () => email()));
    expect(tooMany.error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    const withAttachment = await resend.batch.send([
      email({ attachments: [{ filename: 'a.txt', content: 'YQ==' }] }),
    ]);
    expect(withAttachment.error?.message).toContain('`attachments`');
    expect(catcher.messages()).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  it('answers a repeated request with the first response and stores it once', async () => {
    const first = await resend.emails.send(email(), { idempotencyKey: 'alert/alr_1' });
    const again = await resend.emails.send(email(), { idempotencyKey: 'alert/alr_1' });
    expect(again.data?.id).toBe(first.data?.id);
    expect(catcher.messages()).toHaveLength(1);

    const batch = () => resend.batch.send([email(), email()], { idempotencyKey: 'digest/1' });
    expect((await batch()).data).toEqual((await batch()).data);
    expect(catcher.messages()).toHaveLength(3);
  });

  it('refuses the same key with a different payload', async () => {
    await resend.emails.send(email(), { idempotencyKey: 'alert/alr_2' });
    const { error } = await resend.emails.send(email({ subject: 'Other' }), {
      idempotencyKey: 'alert/alr_2',
    });
    expect(error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
    expect(catcher.messages()).toHaveLength(1);
  });

  it('does not spend the key on a request that failed validation', async () => {
    const failed = await resend.emails.send(email({ subject: undefined }), { idempotencyKey: 'k' });
    expect(failed.error?.name).toBe('missing_required_field');
    const fixed = await resend.emails.send(email(), { idempotencyKey: 'k' });
    expect(fixed.error).toBeNull();
    expect(catcher.messages()).toHaveLength(1);
  });

  it('rejects a key longer than 256 characters', async () => {
    const { error } = await resend.emails.send(email(), { idempotencyKey: 'k'.repeat(257) });
    expect(error).toMatchObject({ statusCode: 400, name: 'invalid_idempotency_key' });
    expect(catcher.messages()).toEqual([]);
  });

  it('forgets keys after 24 hours', () => {
    let now = 0;
    const keys = createIdempotencyStore({ now: () => now });
    keys.remember('k', 'request-a', { status: 200, body: { id: '1' } });
    expect(keys.lookup('k', 'request-a').kind).toBe('replay');
    expect(keys.lookup('k', 'request-b').kind).toBe('conflict');
    now = 24 * 60 * 60 * 1000;
    expect(keys.lookup('k', 'request-b').kind).toBe('miss');
  });
});

describe('Twilio-style SMS', () => {
  it('accepts a message with Basic auth and answers like Twilio', async () => {
    const res = await sendSms({
      To: '+4915112345678',
      From: '+15005550006',
      Body: 'Freezer 3 warm',
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      status: 'queued',
      to: '+4915112345678',
      from: '+15005550006',
      body: 'Freezer 3 warm',
      account_sid: ACCOUNT_SID,
      num_segments: '1',
    });
    // An unencoded `+` arrives as a space; the filter compares digits only.
    const api = await getJson('/api/messages?kind=sms&to=+4915112345678');
    expect(api.body.data).toHaveLength(1);
    expect(api.body.data[0]).toMatchObject({ id: body.sid, payload: { body: 'Freezer 3 warm' } });
  });

  it('counts segments as GSM-7 or UCS-2', async () => {
    const long = await sendSms({
      To: '+4915112345678',
      From: 'AnythingIoT',
      Body: 'a'.repeat(161),
    });
    expect((await long.json()).num_segments).toBe('2');
    const unicode = await sendSms({
      To: '+4915112345678',
      From: 'AnythingIoT',
      Body: '❄️'.repeat(36),
    });
    expect((await unicode.json()).num_segments).toBe('2');
  });

  it.each([
    ['a wrong token', { password: 'wrong' }],
    ['another account', { user: `AC${'f'.repeat(32)}` }],
  ])('answers 401 to %s and stores nothing', async (_, auth) => {
    const res = await sendSms({ To: '+4915112345678', From: '+15005550006', Body: 'x' }, auth);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003, status: 401 });
    expect(catcher.messages()).toEqual([]);
  });

  it('answers 401 without credentials', async () => {
    const res = await fetch(`${catcher.url}/sms/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      body: new URLSearchParams({ To: '+4915112345678', From: '+15005550006', Body: 'x' }),
    });
    expect(res.status).toBe(401);
    expect(catcher.messages()).toEqual([]);
  });

  it.each([
    ['To', { From: '+15005550006', Body: 'x' }, 21604],
    ['From', { To: '+4915112345678', Body: 'x' }, 21603],
    ['Body', { To: '+4915112345678', From: '+15005550006' }, 21602],
  ])('answers 400 when %s is missing and stores nothing', async (field, fields, code) => {
    const res = await sendSms(fields);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ code, status: 400 });
    expect(body.message.toLowerCase()).toContain(field.toLowerCase());
    expect(catcher.messages()).toEqual([]);
  });

  it('answers 400 to a number that is not E.164', async () => {
    const res = await sendSms({ To: '0151 1234', From: '+15005550006', Body: 'x' });
    expect(await res.json()).toMatchObject({ code: 21211, status: 400 });
    expect(catcher.messages()).toEqual([]);
  });

  it('refuses every SMS when started without smsToken', async () => {
    const bare = await startCatcher({ port: 0, resendApiKey: API_KEY });
    try {
      const res = await fetch(`${bare.url}/sms/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:`).toString('base64')}` },
        body: new URLSearchParams({ To: '+4915112345678', From: '+15005550006', Body: 'x' }),
      });
      expect(res.status).toBe(401);
      expect(bare.messages()).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});

describe('webhook receivers', () => {
  it('record method, path, headers and the exact raw body', async () => {
    const raw = '{"type":"alert.opened",  "data":{"id":"alr_1"}}';
    const res = await fetch(`${catcher.url}/webhooks/acme/events?source=test`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-signature': 'v1,c2lnbmF0dXJl',
      },
      body: raw,
    });
    expect(res.status).toBe(200);
    const { id } = await res.json();
    const [caught] = catcher.messages({ name: 'acme' });
    expect(caught).toMatchObject({
      id,
      kind: 'webhook',
      payload: {
        name: 'acme',
        method: 'POST',
        path: '/webhooks/acme/events?source=test',
        body: raw,
        bodyEncoding: 'utf8',
        status: 200,
        headers: { 'webhook-id': 'msg_1', 'webhook-signature': 'v1,c2lnbmF0dXJl' },
      },
    });
  });

  it('keep a body that is not UTF-8 as base64', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x01]);
    await fetch(`${catcher.url}/webhooks/binary`, { method: 'PUT', body: bytes });
    const [caught] = catcher.messages({ kind: 'webhook' });
    expect(caught?.payload).toMatchObject({
      method: 'PUT',
      body: '//4AAQ==',
      bodyEncoding: 'base64',
    });
  });

  it('simulate a failing receiver with ?fail= or x-catcher-fail, and record the attempt', async () => {
    const failed = await fetch(`${catcher.url}/webhooks/down?fail=500`, {
      method: 'POST',
      body: '{}',
    });
    expect(failed.status).toBe(500);
    const gone = await fetch(`${catcher.url}/webhooks/gone`, {
      method: 'POST',
      headers: { 'x-catcher-fail': '410' },
      body: '{}',
    });
    expect(gone.status).toBe(410);
    const statuses = catcher.messages({ kind: 'webhook' }).map((m) => statusOf(m));
    expect(statuses).toEqual([410, 500]);
  });

  it('fail only the first failTimes requests, so retries can succeed', async () => {
    const attempt = () =>
      fetch(`${catcher.url}/webhooks/flaky?fail=503&failTimes=2`, { method: 'POST', body: '{}' });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await attempt()).status);
    expect(answers).toEqual([503, 503, 200]);
    expect(catcher.messages({ name: 'flaky' })).toHaveLength(3);
  });

  it('stall for ?delayMs=, long enough for a client timeout', async () => {
    const slow = fetch(`${catcher.url}/webhooks/slow?delayMs=30000`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(200),
    });
    await expect(slow).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(catcher.messages({ name: 'slow' })[0]?.payload).toMatchObject({ delayMs: 30_000 });
  });

  it('refuse malformed controls without recording anything', async () => {
    for (const query of ['delayMs=30001', 'fail=abc', 'fail=99', 'failTimes=2']) {
      const res = await fetch(`${catcher.url}/webhooks/x?${query}`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(400);
    }
    expect(catcher.messages()).toEqual([]);
  });
});

function statusOf(message: CaughtMessage) {
  return message.kind === 'webhook' ? message.payload.status : null;
}

describe('JSON API', () => {
  it('lists newest first, gets by id, and clears', async () => {
    await resend.emails.send(email({ subject: 'first' }));
    await resend.emails.send(email({ subject: 'second' }));
    const { body } = await getJson('/api/messages');
    expect(body.data.map((m: CaughtMessage) => m.kind === 'email' && m.payload.subject)).toEqual([
      'second',
      'first',
    ]);
    expect((await getJson('/api/messages/nope')).status).toBe(404);
    expect((await getJson('/api/messages?kind=fax')).status).toBe(400);

    const cleared = await fetch(`${catcher.url}/api/messages`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect(catcher.messages()).toEqual([]);
  });
});

describe('page', () => {
  it('escapes everything user-supplied and cannot run an email’s script', async () => {
    const { data } = await resend.emails.send(
      email({
        subject: '<script>alert("subject")</script>',
        html: '<script>alert(1)</script><img src=x onerror="alert(2)"><p>"quoted" & \'single\'</p>',
        text: '<b>not bold</b>',
        to: 'Mallory <mallory@example.com>',
      }),
    );
    const list = await getPage('/');
    expect(list.html).toContain('&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;');
    expect(list.html).toContain('Mallory &lt;mallory@example.com&gt;');
    expect(list.html).not.toMatch(/<script/i);
    expect(list.html).toContain('<meta http-equiv="refresh"');
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");

    const detail = await getPage(`/messages/${data?.id}`);
    expect(detail.html).not.toMatch(/<script|<img/i);
    expect(detail.html).toContain(
      '<iframe sandbox="" srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&lt;p&gt;&quot;quoted&quot; &amp; &#39;single&#39;&lt;/p&gt;"',
    );
    expect(detail.html).toContain('<pre>&lt;b&gt;not bold&lt;/b&gt;</pre>');
  });

  it('shows SMS and webhooks too, and 404s an unknown message', async () => {
    await sendSms({ To: '+4915112345678', From: '+15005550006', Body: '<i>warm</i>' });
    await fetch(`${catcher.url}/webhooks/acme`, { method: 'POST', body: '<svg onload=alert(1)>' });
    const list = await getPage('/');
    expect(list.html).toContain('&lt;i&gt;warm&lt;/i&gt;');
    expect(list.html).toContain('&lt;svg onload=alert(1)&gt;');
    expect(list.html).not.toMatch(/<svg|<i>/);
    expect((await getPage('/?kind=sms')).html).not.toContain('svg');
    expect((await getPage('/messages/nope')).status).toBe(404);
  });
});

describe('startCatcher', () => {
  it('rejects a taken port with PortInUseError', async () => {
    const blocker = createServer();
    const port = await listen(blocker, { port: 0, name: 'blocker' });
    try {
      await expect(startCatcher({ port, resendApiKey: API_KEY })).rejects.toBeInstanceOf(
        PortInUseError,
      );
    } finally {
      await closeServer(blocker);
    }
  });

  it('closes promptly while a delayed webhook reply is pending', async () => {
    const other = await startCatcher({ port: 0, resendApiKey: API_KEY });
    const pending = fetch(`${other.url}/webhooks/slow?delayMs=30000`, { method: 'POST' }).catch(
      (err: unknown) => err,
    );
    await expect.poll(() => other.messages().length).toBe(1);
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('store', () => {
  it('keeps the newest messages up to its capacity', () => {
    const store = createStore({ capacity: 2 });
    for (const id of ['a', 'b', 'c']) {
      store.add({
        id,
        kind: 'sms',
        createdAt: new Date().toISOString(),
        payload: { accountSid: ACCOUNT_SID, to: '+1555', from: '+1666', body: id, numSegments: 1 },
      });
    }
    expect(store.list().map((m) => m.id)).toEqual(['c', 'b']);
    expect(store.get('a')).toBeUndefined();
  });
});
