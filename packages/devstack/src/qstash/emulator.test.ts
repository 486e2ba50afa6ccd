import { Client, QstashError, Receiver, SignatureError } from '@upstash/qstash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../net/listen.js';
import { type RunningQStash, startQStashEmulator } from './index.js';
import {
  jwtClaims,
  sleep,
  startEmulatorUnderTest,
  type startReceiver,
  tableCounts,
  waitFor,
} from './test-support.js';

const token = 'qstash_test_token';
const keys = { currentSigningKey: 'sig_current_emulator', nextSigningKey: 'sig_next_emulator' };
let databaseUrl: string;
let emulator: RunningQStash;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let client: Client;

let harness: Awaited<ReturnType<typeof startEmulatorUnderTest>> | undefined;
beforeAll(async () => {
  harness = await startEmulatorUnderTest('qstash_test', {
    token,
    ...keys,
    // Fast retries keep the retry/DLQ tests short; the default backoff is QStash's (12 s, 2.5 min…).
    retryBackoff: () => 50,
  });
  ({ databaseUrl, emulator, receiver, client } = harness);
});

afterAll(() => harness?.stop());

/** Raw HTTP to the emulator, for headers the client would never send malformed. */
function raw(path: string, init: RequestInit & { auth?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== null) headers.set('Authorization', `Bearer ${init.auth ?? token}`);
  return fetch(`${emulator.url}${path}`, { method: 'POST', ...init, headers });
}

describe('publish and delivery', () => {
  it('delivers a published message with a signature the real Receiver accepts', async () => {
    const res = await client.publishJSON({ url: `${receiver.url}/ok`, body: { hello: 'world' } });
    expect(res.messageId).toMatch(/^msg_/);
    expect(res.url).toBe(`${receiver.url}/ok`);

    const [delivery] = await receiver.arrived('/ok');
    expect(delivery!.verifyError).toBeUndefined();
    expect(delivery!.verified).toBe(true);
    expect(delivery!.method).toBe('POST');
    expect(JSON.parse(delivery!.body)).toEqual({ hello: 'world' });
    expect(delivery!.headers).toMatchObject({
      'content-type': 'application/json',
      'upstash-message-id': res.messageId,
      'upstash-retried': '0',
      'user-agent': 'Upstash-QStash',
      'upstash-caller-ip': '127.0.0.1',
    });
    // The publisher's credentials and the SDK's own headers never reach the destination.
    expect(delivery!.headers.authorization).toBeUndefined();
    expect(Object.keys(delivery!.headers).filter((h) => h.startsWith('upstash-telemetry'))).toEqual(
      [],
    );
  });

  it('signs for real: a tampered body, another URL or a wrong key is rejected', async () => {
    const [delivery] = receiver.to('/ok');
    const signature = String(delivery!.headers['upstash-signature']);
    const claims = jwtClaims(signature);
    expect(claims).toMatchObject({ iss: 'Upstash', sub: `${receiver.url}/ok` });
    expect(Number(claims.exp) - Number(claims.nbf)).toBe(300);

    const verifier = new Receiver({ ...keys, devMode: false });
    await expect(
      verifier.verify({ signature, body: delivery!.body, url: delivery!.url }),
    ).resolves.toBe(true);
    await expect(
      verifier.verify({ signature, body: '{"hello":"mallory"}', url: delivery!.url }),
    ).rejects.toThrow(SignatureError);
    await expect(
      verifier.verify({ signature, body: delivery!.body, url: `${receiver.url}/elsewhere` }),
    ).rejects.toThrow(SignatureError);
    const wrongKeys = new Receiver({
      currentSigningKey: 'sig_x',
      nextSigningKey: 'sig_y',
      devMode: false,
    });
    await expect(
      wrongKeys.verify({ signature, body: delivery!.body, url: delivery!.url }),
    ).rejects.toThrow(SignatureError);
  });

  it('forwards Upstash-Forward-* headers without the prefix and honours Upstash-Method', async () => {
    await client.publish({
      url: `${receiver.url}/forward`,
      body: 'plain text',
      method: 'PUT',
      headers: {
        'Content-Type': 'text/plain',
        'X-Tenant-Id': 'tnt_1',
        'Upstash-Forward-Authorization': 'Bearer job-secret',
      },
    });
    const [delivery] = await receiver.arrived('/forward');
    expect(delivery!.verified).toBe(true);
    expect(delivery!.method).toBe('PUT');
    expect(delivery!.body).toBe('plain text');
    expect(delivery!.headers).toMatchObject({
      'content-type': 'text/plain',
      'x-tenant-id': 'tnt_1',
      authorization: 'Bearer job-secret',
    });
    expect(Object.keys(delivery!.headers).filter((h) => h.startsWith('upstash-forward'))).toEqual(
      [],
    );
  });

  it('keeps a destination query string and accepts a percent-encoded destination', async () => {
    await client.publish({ url: `${receiver.url}/query?tenant=t1&x=2`, body: 'q' });
    const encoded = encodeURIComponent(`${receiver.url}/encoded`);
    const res = await raw(`/v2/publish/${encoded}`, { body: 'e' });
    expect(res.status).toBe(200);
    const [q] = await receiver.arrived('/query');
    expect(q!.path).toBe('/query?tenant=t1&x=2');
    expect(q!.verified).toBe(true);
    const [e] = await receiver.arrived('/encoded');
    expect(e!.verified).toBe(true);
  });

  it('holds a message back for Upstash-Delay', async () => {
    const publishedAt = Date.now();
    const { messageId } = await client.publishJSON({
      url: `${receiver.url}/delayed`,
      body: { n: 1 },
      delay: '1s',
    });
    const pending = await client.messages.get(messageId);
    expect(pending).toMatchObject({ messageId, url: `${receiver.url}/delayed`, method: 'POST' });
    expect(pending.notBefore).toBeGreaterThanOrEqual(publishedAt + 1000);
    await sleep(500);
    expect(receiver.to('/delayed')).toHaveLength(0);
    const [delivery] = await receiver.arrived('/delayed');
    expect(delivery!.at - publishedAt).toBeGreaterThanOrEqual(950);
    expect(delivery!.verified).toBe(true);
  });

  it('holds a message back until Upstash-Not-Before', async () => {
    const notBefore = Math.floor(Date.now() / 1000) + 2;
    await client.publish({ url: `${receiver.url}/not-before`, body: 'nb', notBefore });
    const [delivery] = await receiver.arrived('/not-before');
    expect(delivery!.at).toBeGreaterThanOrEqual(notBefore * 1000 - 50);
  });

  it('returns a delivered message as gone', async () => {
    const { messageId } = await client.publish({ url: `${receiver.url}/gone`, body: 'g' });
    await receiver.arrived('/gone');
    await waitFor(async () => (await tableCounts(databaseUrl)).messages === 0);
    await expect(client.messages.get(messageId)).rejects.toMatchObject({ status: 404 });
  });
});

describe('retries, DLQ and callbacks', () => {
  it('retries after a fractional wait (e.g. Retry-After: 10.5ms, or the e^2.5n default)', async () => {
    let calls = 0;
    receiver.reply('/fractional', () =>
      ++calls === 1 ? { status: 503, headers: { 'retry-after': '10.5ms' } } : { status: 200 },
    );
    await client.publishJSON({ url: `${receiver.url}/fractional`, body: {}, retries: 1 });
    const attempts = await receiver.arrived('/fractional', 2);
    expect(attempts.map((a) => a.headers['upstash-retried'])).toEqual(['0', '1']);
  });

  it('retries with backoff, then dead-letters and calls the failure callback', async () => {
    receiver.reply('/fail', () => ({ status: 500, body: 'boom' }));
    const { messageId } = await client.publishJSON({
      url: `${receiver.url}/fail`,
      body: { job: 'notify' },
      retries: 2,
      failureCallback: `${receiver.url}/failure-callback`,
    });

    const [callback] = await receiver.arrived('/failure-callback');
    const attempts = receiver.to('/fail');
    expect(attempts.map((a) => a.headers['upstash-retried'])).toEqual(['0', '1', '2']);
    expect(attempts.every((a) => a.verified && a.headers['upstash-message-id'] === messageId)).toBe(
      true,
    );

    expect(callback!.verified).toBe(true);
    const payload = JSON.parse(callback!.body);
    expect(payload).toMatchObject({
      status: 500,
      retried: 2,
      maxRetries: 2,
      sourceMessageId: messageId,
      url: `${receiver.url}/fail`,
      method: 'POST',
    });
    expect(Buffer.from(payload.body, 'base64').toString()).toBe('boom');
    expect(JSON.parse(Buffer.from(payload.sourceBody, 'base64').toString())).toEqual({
      job: 'notify',
    });
    expect(payload.sourceHeader['Content-Type']).toEqual(['application/json']);
    expect(payload.dlqId).toEqual(expect.any(String));

    const { messages } = await client.dlq.listMessages();
    const dead = messages.find((m) => m.messageId === messageId);
    expect(dead).toMatchObject({
      dlqId: payload.dlqId,
      url: `${receiver.url}/fail`,
      responseStatus: 500,
      responseBody: 'boom',
      maxRetries: 2,
      body: '{"job":"notify"}',
    });
    expect((await emulator.dlq()).map((m) => m.dlqId)).toContain(payload.dlqId);

    await client.dlq.delete(payload.dlqId);
    expect((await client.dlq.listMessages()).messages.map((m) => m.dlqId)).not.toContain(
      payload.dlqId,
    );
  });

  it('calls the callback with the response after a delivery', async () => {
    receiver.reply('/answer', () => ({ status: 201, body: 'created' }));
    const { messageId } = await client.publish({
      url: `${receiver.url}/answer`,
      body: 'hi',
      callback: `${receiver.url}/callback`,
    });
    const [callback] = await receiver.arrived('/callback');
    expect(callback!.verified).toBe(true);
    const payload = JSON.parse(callback!.body);
    expect(payload).toMatchObject({ status: 201, sourceMessageId: messageId, retried: 0 });
    expect(Buffer.from(payload.body, 'base64').toString()).toBe('created');
  });

  it('treats a timeout as a failure (Upstash-Timeout)', async () => {
    receiver.reply('/hang', () => 'hang');
    const { messageId } = await client.publish({
      url: `${receiver.url}/hang`,
      body: 'slow',
      timeout: '1s',
      retries: 0,
    });
    const dead = await waitFor(
      async () => (await emulator.dlq()).find((m) => m.messageId === messageId),
      { timeoutMs: 5_000 },
    );
    expect(dead.responseStatus).toBeUndefined();
  });

  it('dead-letters at once on 489 with Upstash-NonRetryable-Error', async () => {
    receiver.reply('/refuse', () => ({
      status: 489,
      headers: { 'Upstash-NonRetryable-Error': 'true' },
      body: 'bad payload',
    }));
    const { messageId } = await client.publish({
      url: `${receiver.url}/refuse`,
      body: 'x',
      retries: 3,
    });
    await waitFor(async () => (await emulator.dlq()).some((m) => m.messageId === messageId));
    expect(receiver.to('/refuse')).toHaveLength(1);
  });

  it('republishes from the DLQ on retry', async () => {
    let calls = 0;
    receiver.reply('/flaky', () => (++calls === 1 ? { status: 503 } : { status: 200 }));
    const { messageId } = await client.publish({
      url: `${receiver.url}/flaky`,
      body: 'f',
      retries: 0,
    });
    const dead = await waitFor(async () =>
      (await emulator.dlq()).find((m) => m.messageId === messageId),
    );
    const { responses } = await client.dlq.retry(dead.dlqId);
    expect(responses).toHaveLength(1);
    await receiver.arrived('/flaky', 2);
    expect(receiver.to('/flaky')[1]!.headers['upstash-message-id']).toBe(responses[0]!.messageId);
  });
});

describe('deduplication, batch and cancel', () => {
  it('accepts a duplicate Upstash-Deduplication-Id without scheduling it again', async () => {
    const first = await client.publish({
      url: `${receiver.url}/dedup`,
      body: 'one',
      deduplicationId: 'alert-42',
    });
    const second = await client.publish({
      url: `${receiver.url}/dedup`,
      body: 'two',
      deduplicationId: 'alert-42',
    });
    expect(second).toEqual({
      messageId: first.messageId,
      url: `${receiver.url}/dedup`,
      deduplicated: true,
    });
    await emulator.drain();
    await sleep(100);
    expect(receiver.to('/dedup').map((d) => d.body)).toEqual(['one']);
  });

  it('deduplicates by content when asked', async () => {
    const publish = () =>
      client.publishJSON({
        url: `${receiver.url}/content-dedup`,
        body: { same: true },
        contentBasedDeduplication: true,
      });
    const first = await publish();
    const second = await publish();
    expect(second.messageId).toBe(first.messageId);
    expect((second as { deduplicated?: boolean }).deduplicated).toBe(true);
    await emulator.drain();
    expect(receiver.to('/content-dedup')).toHaveLength(1);
  });

  it('publishes a batch', async () => {
    const results = await client.batchJSON([
      { url: `${receiver.url}/batch-a`, body: { n: 1 } },
      { url: `${receiver.url}/batch-b`, body: { n: 2 }, headers: { 'X-Batch': 'yes' } },
    ]);
    expect(results).toHaveLength(2);
    await waitFor(
      () => receiver.to('/batch-a').length === 1 && receiver.to('/batch-b').length === 1,
    );
    const b = receiver.to('/batch-b')[0]!;
    expect(b.verified).toBe(true);
    expect(b.headers['x-batch']).toBe('yes');
    expect(b.headers['upstash-message-id']).toBe(results[1]!.messageId);
  });

  it('cancels a pending message (client.messages.cancel)', async () => {
    const { messageId } = await client.publish({
      url: `${receiver.url}/cancelled`,
      body: 'c',
      delay: '1h',
    });
    await expect(client.messages.cancel(messageId)).resolves.toEqual({ cancelled: 1 });
    await expect(client.messages.get(messageId)).rejects.toMatchObject({ status: 404 });
    await expect(client.messages.cancel(messageId)).rejects.toMatchObject({ status: 404 });
  });

  it('cancels in bulk by ids', async () => {
    const a = await client.publish({ url: `${receiver.url}/bulk`, body: 'a', delay: '1h' });
    const b = await client.publish({ url: `${receiver.url}/bulk`, body: 'b', delay: '1h' });
    await expect(client.messages.cancel([a.messageId, b.messageId])).resolves.toEqual({
      cancelled: 2,
    });
  });
});

describe('refusals', () => {
  it('answers 401 without a token or with a wrong one, and stores nothing', async () => {
    const before = await tableCounts(databaseUrl);
    const intruder = new Client({ token: 'not-the-token', baseUrl: emulator.url, retry: false });
    await expect(intruder.publish({ url: `${receiver.url}/ok`, body: 'x' })).rejects.toMatchObject({
      status: 401,
    });
    const res = await raw(`/v2/publish/${receiver.url}/ok`, { auth: null, body: 'x' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/unauthorized/i) });
    expect((await raw('/v2/schedules', { auth: null, method: 'GET' })).status).toBe(401);
    expect((await raw('/v2/dlq', { auth: 'nope', method: 'GET' })).status).toBe(401);
    expect(await tableCounts(databaseUrl)).toEqual(before);
  });

  it.each([
    ['Upstash-Delay', '10 minutes', /Upstash-Delay/],
    ['Upstash-Delay', '1.5s', /Upstash-Delay/],
    ['Upstash-Delay', '-1s', /Upstash-Delay/],
    ['Upstash-Not-Before', 'tomorrow', /Upstash-Not-Before/],
    ['Upstash-Retries', '-1', /Upstash-Retries/],
    ['Upstash-Retries', 'many', /Upstash-Retries/],
    ['Upstash-Method', 'TRACE', /Upstash-Method/],
    ['Upstash-Timeout', 'forever', /Upstash-Timeout/],
    ['Upstash-Callback', 'not a url', /Upstash-Callback/],
    ['Upstash-Failure-Callback', 'ftp://example.com', /Upstash-Failure-Callback/],
    ['Upstash-Retry-Delay', 'sin(retried)', /Upstash-Retry-Delay/],
    ['Upstash-Content-Based-Deduplication', 'yes', /Content-Based/],
  ])('answers 400 for %s: %s and stores nothing', async (header, value, message) => {
    const before = await tableCounts(databaseUrl);
    const res = await raw(`/v2/publish/${receiver.url}/never`, {
      headers: { [header]: value },
      body: 'x',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(message);
    expect(await tableCounts(databaseUrl)).toEqual(before);
  });

  it('refuses a bad delay through the real client too', async () => {
    await expect(
      client.publish({ url: `${receiver.url}/never`, body: 'x', delay: 'soon' as '1s' }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it.each([
    ['http//missing-colon.example', 404],
    ['ftp://example.com/file', 400],
    ['https://', 400],
    ['my-url-group', 404],
    ['api/llm', 404],
  ])('refuses destination %s (%i) and stores nothing', async (destination, status) => {
    const before = await tableCounts(databaseUrl);
    const res = await raw(`/v2/publish/${destination}`, { body: 'x' });
    expect(res.status).toBe(status);
    expect((await res.json()).error).toEqual(expect.any(String));
    expect(await tableCounts(databaseUrl)).toEqual(before);
  });

  it('refuses a whole batch when one entry is bad', async () => {
    const before = await tableCounts(databaseUrl);
    const res = await raw('/v2/batch', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        { destination: `${receiver.url}/never`, body: 'ok' },
        {
          destination: `${receiver.url}/never`,
          headers: { 'Upstash-Delay': 'later' },
          body: 'bad',
        },
      ]),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/^batch\[1\]: invalid Upstash-Delay/);
    expect(await tableCounts(databaseUrl)).toEqual(before);
  });

  it('refuses a message over the size limit', async () => {
    const res = await raw(`/v2/publish/${receiver.url}/never`, {
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
  });

  it('says plainly that queues and URL groups are not emulated', async () => {
    const error = await client
      .queue({ queueName: 'notifications' })
      .enqueueJSON({ url: `${receiver.url}/never`, body: {} })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(QstashError);
    expect(error).toMatchObject({ status: 404, message: expect.stringMatching(/not emulated/) });
    await expect(client.urlGroups.list()).rejects.toMatchObject({ status: 404 });
  });
});

describe('service', () => {
  it('reports its signing keys on /v2/keys', async () => {
    const res = await raw('/v2/keys', { method: 'GET' });
    expect(await res.json()).toEqual({
      current: keys.currentSigningKey,
      next: keys.nextSigningKey,
    });
  });

  it('refuses a taken port with PortInUseError', async () => {
    await expect(
      startQStashEmulator({ port: emulator.port, token, ...keys, databaseUrl }),
    ).rejects.toBeInstanceOf(PortInUseError);
  });
});
