import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Receiver } from '@upstash/qstash';
import pg from 'pg';
import { closeServer, listen } from '../net/listen.js';
import { freePort, type RunningPostgres, startPostgres } from '../postgres/index.js';
import { type QStashEmulatorOptions, startQStashEmulator } from './index.js';

/** Starts a throwaway Postgres with the given databases; for QStash emulator tests. */
export async function startTestPostgres(databases: string[]) {
  const dataDir = await mkdtemp(join(tmpdir(), 'qstash-test-'));
  const postgres: RunningPostgres = await startPostgres({
    dataDir,
    port: await freePort(),
    persistent: false,
    fast: true,
  });
  for (const name of databases) await postgres.ensureDatabase(name);
  return {
    url: (database: string) => postgres.url(database),
    async stop() {
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Row counts of the emulator's tables: proof that a refused request stored nothing. */
export async function tableCounts(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*)::int FROM devstack_qstash.messages) AS messages,
              (SELECT count(*)::int FROM devstack_qstash.schedules) AS schedules,
              (SELECT count(*)::int FROM devstack_qstash.dlq) AS dlq,
              (SELECT count(*)::int FROM devstack_qstash.dedup) AS dedup`,
    );
    return rows[0] as { messages: number; schedules: number; dlq: number; dedup: number };
  } finally {
    await client.end();
  }
}

export type Delivery = {
  method: string;
  /** Path and query as received. */
  path: string;
  /** The full URL the delivery was addressed to, as Receiver.verify's `url` expects it. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the REAL Receiver.verify said about the Upstash-Signature header. */
  verified: boolean;
  verifyError?: string;
  at: number;
};

type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';
type Answer = (delivery: Delivery) => Reply | Promise<Reply>;

/**
 * A destination for deliveries on port 0 that records every request and checks its signature with
 * `@upstash/qstash`'s real Receiver. Answers 200 unless `reply` says otherwise for a path.
 */
export async function startReceiver(keys: { currentSigningKey: string; nextSigningKey: string }) {
  const receiver = new Receiver({ ...keys, devMode: false });
  const deliveries: Delivery[] = [];
  const replies = new Map<string, Answer>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = req.url ?? '/';
      const delivery: Delivery = {
        method: req.method ?? '',
        path,
        url: `${base}${path}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        verified: false,
        at: Date.now(),
      };
      try {
        delivery.verified = await receiver.verify({
          signature: String(req.headers['upstash-signature'] ?? ''),
          body: delivery.body,
          url: delivery.url,
        });
      } catch (err) {
        delivery.verifyError = (err as Error).message;
      }
      deliveries.push(delivery);
      const reply = (await replies.get(path.split('?')[0]!)?.(delivery)) ?? { status: 200 };
      if (reply === 'hang') return;
      res.writeHead(reply.status, reply.headers).end(reply.body ?? 'ok');
    });
  });
  const port = await listen(server, { port: 0, name: 'test receiver' });
  const base = `http://127.0.0.1:${port}`;
  const to = (path: string) => deliveries.filter((d) => d.path.split('?')[0] === path);
  return {
    url: base,
    deliveries,
    /** Sets how `path` (without query) answers. */
    reply(path: string, answer: Answer) {
      replies.set(path, answer);
    },
    /** Deliveries to `path` (without query), in arrival order. */
    to,
    /** Waits until `path` has had `count` deliveries and returns them. */
    async arrived(path: string, count = 1, timeoutMs = 5_000) {
      await waitFor(() => to(path).length >= count, { timeoutMs });
      return to(path);
    },
    close: () => closeServer(server),
  };
}

/** Polls until `check` returns something truthy (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 20 } = {},
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Decodes a JWT's payload without verifying it (to look at the claims). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/**
 * One emulator under test: its own Postgres database, a verifying receiver and the real client.
 * `stop()` tears all of it down (safe to call after a failed start).
 */
export async function startEmulatorUnderTest(
  database: string,
  options: Pick<QStashEmulatorOptions, 'token' | 'currentSigningKey' | 'nextSigningKey'> &
    Partial<QStashEmulatorOptions>,
) {
  const postgres = await startTestPostgres([database]);
  const databaseUrl = postgres.url(database);
  const emulator = await startQStashEmulator({ port: 0, databaseUrl, ...options });
  const receiver = await startReceiver(options);
  const client = new Client({ token: options.token, baseUrl: emulator.url });
  return {
    postgres,
    databaseUrl,
    emulator,
    receiver,
    client,
    async stop() {
      await emulator.close();
      await receiver.close();
      await postgres.stop();
    },
  };
}
