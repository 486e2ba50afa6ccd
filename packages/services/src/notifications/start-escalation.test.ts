import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testStack } from '@anythingiot/devstack/testing';
import { Client, Receiver } from '@upstash/qstash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qstashJobs } from '../jobs/qstash-jobs.js';
import { ESCALATE_JOB_PATH, notificationJobs } from './jobs.js';
import { startEscalation } from './start-escalation.js';

// Stands where the api would: records what the QStash emulator delivers to it.
const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
let server: ReturnType<typeof createServer>;
let apiUrl: string;
let qstash: Client;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = testStack().env;
  qstash = new Client({ baseUrl: env.QSTASH_URL!, token: env.QSTASH_TOKEN! });
});
afterAll(() => new Promise((resolve) => server?.close(resolve)));

async function waitFor<T>(check: () => T | undefined, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('startEscalation', () => {
  it('publishes one signed escalate job for the alert, however often it is called', async () => {
    const alertId = `alr_${Date.now()}`;
    const input = { tenantId: 'tnt_test', alertId };
    const jobs = notificationJobs(qstashJobs(qstash, apiUrl), { retries: 0, delay: '0' });
    const first = await startEscalation({ ctx: { ports: { jobs } }, input });
    const again = await startEscalation({ ctx: { ports: { jobs } }, input });
    expect(again.messageId).toBe(first.messageId);

    const delivered = await waitFor(() =>
      seen.find((s) => s.headers['upstash-message-id'] === first.messageId),
    );
    expect(delivered.path).toBe(ESCALATE_JOB_PATH);
    expect(JSON.parse(delivered.body)).toEqual(input);
    const env = testStack().env;
    const receiver = new Receiver({
      currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY!,
      nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY!,
    });
    await expect(
      receiver.verify({
        signature: String(delivered.headers['upstash-signature']),
        body: delivered.body,
        url: `${apiUrl}${ESCALATE_JOB_PATH}`,
      }),
    ).resolves.toBe(true);

    // Give a duplicate time to show up if deduplication failed.
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.body.includes(alertId))).toHaveLength(1);
  });
});
