import {
  commandExpiryJob,
  deliverFailedJob,
  deliverJob,
  escalateJob,
  excursionCheckJob,
  JOBS,
  qstashJobs,
} from '@anythingiot/services';
import { Client } from '@upstash/qstash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedApp, serveApp } from '../../test/notify-stack.js';
import { seedTenant, writableState } from '../../test/tenant-fixtures.js';

// One job definition drives the publisher and the mount: what QStash is asked to do is what the
// definition says, and a mounted job only runs for QStash with a body its schema accepts.
let s: ServedApp;
let qstash: Client;
let tenantId: string;

beforeAll(async () => {
  s = await serveApp('api_jobs_mount');
  qstash = new Client({ baseUrl: s.db.env.QSTASH_URL!, token: s.db.env.QSTASH_TOKEN! });
  ({ tenantId } = await seedTenant(s.db, 'Mount Ltd'));
});
afterAll(() => s?.close());

describe('job mounts', () => {
  it('every defined job is mounted and refuses a call QStash did not sign, doing nothing', async () => {
    const before = await writableState(s.db);
    for (const job of JOBS) {
      const forged = { 'upstash-signature': 'eyJhbGciOiJIUzI1NiJ9.e30.bad' };
      for (const headers of [{}, forged] as Record<string, string>[]) {
        const res = await s.app.request(job.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ tenantId }),
        });
        expect(res.status, job.path).toBe(401);
        expect(await res.json()).toMatchObject({ code: 'bad_job_signature' });
      }
    }
    expect(await writableState(s.db)).toEqual(before);
  });

  it('a body over 64 KiB is refused before its signature is even checked, doing nothing', async () => {
    const before = await writableState(s.db);
    const huge = JSON.stringify({ tenantId, pad: 'x'.repeat(64 * 1024) });
    for (const headers of [
      { 'upstash-signature': 'eyJhbGciOiJIUzI1NiJ9.e30.bad' },
      // Declared small, streamed large: the count, not the header, decides.
      { 'upstash-signature': 'eyJhbGciOiJIUzI1NiJ9.e30.bad', 'content-length': '10' },
    ] as Record<string, string>[]) {
      const res = await s.app.request(commandExpiryJob.path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: huge,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'body_too_large' });
    }
    expect(await writableState(s.db)).toEqual(before);
  });

  it('a signed body that fails the schema is a 422 naming the field, one that is not JSON a 400', async () => {
    const before = await writableState(s.db);
    const bad = await qstash.publishJSON({
      url: `${s.base}${excursionCheckJob.path}`,
      body: { tenantId, excursionId: 7 },
      retries: 0,
    });
    const answer = await s.answerTo(bad.messageId);
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.response)).toMatchObject({
      code: 'malformed_job',
      errors: [expect.objectContaining({ path: 'excursionId' })],
    });
    const notJson = await qstash.publish({
      url: `${s.base}${excursionCheckJob.path}`,
      body: '{"tenantId":',
      retries: 0,
    });
    expect((await s.answerTo(notJson.messageId)).status).toBe(400);
    expect(await writableState(s.db)).toEqual(before);
  });
});

describe('the jobs port', () => {
  const jobs = () => qstashJobs(qstash, 'https://api.example.com');
  const due = () => Date.now() + 3_600_000 + 123; // far enough that the test cancels it first

  it('publishes with the dedup id, not-before and retries the definition gives', async () => {
    const at = due();
    const body = { tenantId, alertId: `alr_${Date.now()}`, at };
    const first = await jobs().publish(escalateJob, body);
    const again = await jobs().publish(escalateJob, body);
    try {
      expect(again).toBe(first); // the same step twice is one message
      const message = await qstash.messages.get(first);
      expect(message).toMatchObject({
        url: `https://api.example.com${escalateJob.path}`,
        maxRetries: escalateJob.retries,
        body: JSON.stringify(body),
      });
      // Whole seconds, rounded up: never delivered before `at`.
      expect(message.notBefore).toBe(Math.ceil(at / 1_000) * 1_000);
    } finally {
      await qstash.messages.delete(first);
    }
  });

  it('a publisher option wins over the definition, and the failure callback is the defined job', async () => {
    const id = await jobs().publish(
      deliverJob,
      { tenantId, deliveryId: `dlv_${Date.now()}` },
      { notBefore: due(), retries: 7, retryDelay: '1000' },
    );
    try {
      expect(await qstash.messages.get(id)).toMatchObject({
        maxRetries: 7,
        retryDelayExpression: '1000',
        failureCallback: `https://api.example.com${deliverFailedJob.path}`,
      });
    } finally {
      await qstash.messages.delete(id);
    }
  });

  it('refuses a body the definition would refuse at delivery, publishing nothing', async () => {
    await expect(
      jobs().publish(commandExpiryJob, { tenantId, extra: 1 } as never, { notBefore: due() }),
    ).rejects.toThrow();
  });
});
