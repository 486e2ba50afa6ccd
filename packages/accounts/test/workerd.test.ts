import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, mailTo, type TestDatabase } from '@anythingiot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_startWorker } from 'wrangler';

// Rule 2 says the package runs in workerd; this proves it by running sign-up, login and
// authenticate (lucia, the drizzle adapter, scrypt from nodejs_compat, Upstash, Resend)
// inside workerd against the devstack.
let database: TestDatabase;
let worker: Awaited<ReturnType<typeof unstable_startWorker>>;

beforeAll(async () => {
  database = await createTestDatabase('accounts_workerd');
  const env: Record<string, string> = {
    ...database.env,
    APP_URL: 'http://localhost:5173',
    MAIL_FROM: 'AnythingIoT <no-reply@anythingiot.test>',
  };
  worker = await unstable_startWorker({
    name: 'accounts-smoke',
    entrypoint: fileURLToPath(new URL('./workerd/worker.ts', import.meta.url)),
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat'],
    bindings: Object.fromEntries(
      Object.entries(env).map(([k, value]) => [k, { type: 'plain_text' as const, value }]),
    ),
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      persist: false,
      logLevel: 'error',
    },
  });
  await worker.ready;
}, 120_000);

afterAll(async () => {
  await worker?.dispose();
  await database?.drop();
});

const PASSWORD = 'correct horse battery';
const uniqueEmail = (label: string) => `${label}-${randomBytes(5).toString('hex')}@example.test`;

describe('in workerd', () => {
  it('signs up, logs in and authenticates with the production client code', async () => {
    const email = uniqueEmail('workerd');
    const res = await worker.fetch('http://worker.test/', {
      method: 'POST',
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ role: 'owner' });
    expect(res.status).toBe(200);
    expect(String(body.userId)).toMatch(/^usr_/);
    expect((await mailTo(email))[0]?.payload.subject).toBe('Confirm your email address');
  }, 60_000);
});
