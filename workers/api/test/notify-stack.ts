import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type NotificationPrefs, newId, type Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import type { CaughtMessage } from '@anythingiot/devstack';
import { createTestDatabase, type TestDatabase, testStack } from '@anythingiot/devstack/testing';
import { createApp } from '../src/app.js';
import { depsFromEnv } from '../src/compose.js';
import type { AppDeps } from '../src/deps.js';
import { parseWorkerEnv } from '../src/env.js';

export type ServedApp = {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  db: TestDatabase;
  base: string;
  /** Every request the app answered: QStash jobs carry their message id. */
  answered: {
    messageId: string | undefined;
    path: string;
    /** The request body (what the job was asked to do). */
    body: string;
    status: number;
    response: string;
  }[];
  /** Waits until the app answered the QStash message `messageId`. */
  answerTo(messageId: string): Promise<ServedApp['answered'][number]>;
  close(): Promise<void>;
};

/**
 * The real app served over HTTP on a free port, with API_PUBLIC_URL pointing at it, so the
 * QStash emulator delivers the jobs it publishes back to it, signed. Deliveries retry fast
 * (the retry count and delay are configuration, the same knobs production sets).
 */
export async function serveApp(
  label: string,
  envOverrides: Record<string, string> = {},
): Promise<ServedApp> {
  const db = await createTestDatabase(label);
  let app: ReturnType<typeof createApp> | undefined;
  const answered: ServedApp['answered'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string') headers.set(k, v);
      const body = Buffer.concat(chunks);
      const response = await app!.fetch(
        new Request(`${base}${req.url}`, {
          method: req.method,
          headers,
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
        }),
      );
      const answer = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(answer);
      const messageId = req.headers['upstash-message-id'];
      answered.push({
        messageId: typeof messageId === 'string' ? messageId : undefined,
        path: req.url ?? '',
        body: body.toString('utf8'),
        status: response.status,
        response: answer.toString('utf8'),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deps = depsFromEnv(
    parseWorkerEnv({
      ...db.env,
      API_PUBLIC_URL: base,
      DELIVERY_RETRIES: '2',
      DELIVERY_RETRY_DELAY: '200',
      ...envOverrides,
    }),
    { log: () => {} },
  );
  app = createApp(deps);
  return {
    app,
    deps,
    db,
    base,
    answered,
    answerTo: (messageId) => waitFor(() => answered.find((a) => a.messageId === messageId)),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await db.drop();
    },
  };
}

/** A user with a membership in the tenant (and optional facility limits and preferences). */
export async function seedMember(
  db: TestDatabase,
  tenantId: string,
  input: {
    role: Role;
    email?: string;
    facilityIds?: string[];
    deactivated?: boolean;
    prefs?: NotificationPrefs & { phone?: string | null };
  },
) {
  const userId = newId('user');
  const email = input.email ?? `${userId}@example.com`;
  const membershipId = newId('membership');
  const d = db.handle.db;
  await d.insert(schema.users).values({ id: userId, email, name: input.role });
  await d.insert(schema.memberships).values({
    id: membershipId,
    tenantId,
    userId,
    role: input.role,
    deactivatedAt: input.deactivated ? new Date() : null,
  });
  for (const facilityId of input.facilityIds ?? []) {
    await d.insert(schema.membershipFacilities).values({ tenantId, membershipId, facilityId });
  }
  if (input.prefs) {
    await d.insert(schema.notificationPreferences).values({
      tenantId,
      userId,
      channels: input.prefs.channels,
      phone: input.prefs.phone ?? null,
      quietStart: input.prefs.quietHours?.start ?? null,
      quietEnd: input.prefs.quietHours?.end ?? null,
      timeZone: input.prefs.timeZone,
    });
  }
  return { userId, email };
}

/** What the catcher caught, through its JSON API (newest first). */
export async function caught(query: Record<string, string>): Promise<CaughtMessage[]> {
  const url = new URL('/api/messages', testStack().urls.catcher);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`catcher answered ${res.status}`);
  return ((await res.json()) as { data: CaughtMessage[] }).data;
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
