import { randomBytes } from 'node:crypto';
import {
  type AccountsContext,
  type AccountsDeps,
  accountsDeps,
  authenticate,
  login,
  type PasswordHasher,
  type Principal,
  type SessionUser,
  scryptHasher,
  signUp,
} from '@anythingiot/accounts';
import {
  API_KEY_SCOPES,
  type FacilityType,
  facilityFilter,
  isDomainError,
  newId,
} from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { createTestDatabase, mailTo, type TestDatabase, testStack } from '@anythingiot/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { type AccountCtx, accountCtx, type MemberCtx } from '../../src/index.js';

export const APP_URL = 'http://localhost:5173';
export const PASSWORD = 'correct horse battery';

/**
 * One database per test file (cloned from the migrated template), the shared Redis emulator
 * and mail catcher, and the accounts deps built the way the dashboard will build them.
 */
export function useAccounts(overrides: Partial<AccountsDeps> = {}) {
  const state = {} as { database: TestDatabase; deps: AccountsDeps; verified: string[] };
  beforeAll(async () => {
    state.database = await createTestDatabase('accounts');
    const env = testStack().env;
    state.verified = [];
    const real = scryptHasher();
    // The real hasher, recording which stored hashes were verified against.
    const passwords: PasswordHasher = {
      ...real,
      verify: (password, stored) => {
        state.verified.push(stored);
        return real.verify(password, stored);
      },
    };
    state.deps = accountsDeps(
      {
        APP_URL,
        MAIL_FROM: 'AnythingIoT <no-reply@anythingiot.test>',
        RESEND_API_KEY: env.RESEND_API_KEY!,
        RESEND_BASE_URL: env.RESEND_BASE_URL!,
        UPSTASH_REDIS_REST_URL: env.UPSTASH_REDIS_REST_URL!,
        UPSTASH_REDIS_REST_TOKEN: env.UPSTASH_REDIS_REST_TOKEN!,
      },
      state.database.handle.db,
      { passwords, warn: () => {}, ...overrides },
    );
  });
  afterAll(async () => {
    await state.database?.drop();
  });

  /** A request context from a fresh IP (the Redis emulator is shared by all test files). */
  const ctx = (ip = randomIp()): AccountsContext => ({
    deps: state.deps,
    requestId: newId('request'),
    ip,
  });

  /**
   * The member use cases' context for a principal, built as the dashboard's memberCtx builds
   * it (the role and membership from the session, the accounts mailer). The permission to call
   * them at all is the adapter's check, proven in apps/dashboard/test/users.test.ts.
   */
  const memberCtx = (principal: Principal): MemberCtx => ({
    tenantId: principal.tenantId,
    actor: { type: 'user', id: principal.userId },
    scopes: API_KEY_SCOPES,
    facilityIds: facilityFilter(principal),
    requestId: newId('request'),
    db: state.deps.db,
    member: {
      userId: principal.userId,
      membershipId: principal.membershipId,
      role: principal.role,
      name: principal.name,
      email: principal.email,
    },
    ports: {
      keyring: () => Promise.reject(new Error('the member use cases seal no device secrets')),
      now: () => state.deps.now().getTime(),
      offlineFactor: 3,
      mailer: state.deps.mailer,
      appUrl: state.deps.appUrl,
      warn: state.deps.warn,
    },
  });

  /** The account use cases' context (anonymous), from a fresh IP. */
  const accountCtxOf = (ip = randomIp()): AccountCtx => accountCtx(ctx(ip));
  /** A signed-in user's (or principal's) context, as the dashboard builds it. */
  const userCtx = <U extends SessionUser>(user: U): AccountCtx & { user: U } => ({
    ...accountCtxOf(),
    user,
  });

  return {
    state,
    ctx,
    accountCtx: accountCtxOf,
    userCtx,
    memberCtx,
    get db() {
      return state.deps.db;
    },
    /** Row counts of every table the accounts flows write, for "changed nothing" checks. */
    async counts() {
      const tables = [
        'users',
        'tenants',
        'memberships',
        'membership_facilities',
        'audit_log',
        'account_tokens',
        'invitations',
        'sessions',
      ];
      const out: Record<string, number | string> = {};
      for (const t of tables) {
        const r = await state.deps.db.execute(sql.raw(`select count(*)::int as n from ${t}`));
        out[t] = (r.rows[0] as { n: number }).n;
      }
      // Content too, not just counts: an update that changes a row is a write as well.
      const digest = await state.deps.db.execute(sql`
        select md5(coalesce(string_agg(x, '|' order by x), '')) as d from (
          select row(u.*)::text as x from users u
          union all select row(m.*)::text from memberships m
          union all select row(t.*)::text from account_tokens t
          union all select row(i.*)::text from invitations i
          union all select row(s.*)::text from sessions s
        ) all_rows`);
      out.digest = (digest.rows[0] as { d: string }).d;
      return out;
    },
    /** Signs up a fresh company; returns its owner's ids, email and a principal-ready cookie. */
    async signUpOwner(label = 'owner') {
      const email = uniqueEmail(label);
      await signUp({
        ctx: ctx(),
        input: {
          email,
          password: PASSWORD,
          name: `${label} person`,
          companyName: `Company ${label}`,
          industry: 'pharma',
          timeZone: 'Europe/Berlin',
          temperatureUnit: 'C',
        },
      });
      // Sign-up answers "check your inbox" and starts no session: the owner logs in.
      const { userId, activeTenantId, session } = await login({
        ctx: ctx(),
        input: { email, password: PASSWORD },
      });
      return { userId, tenantId: activeTenantId!, session, email: email.toLowerCase() };
    },
    /** The principal behind a session token, as a loader would resolve it. */
    async principalOf(token: string) {
      const auth = await authenticate({ ctx: ctx(), input: { cookieHeader: cookieHeader(token) } });
      if (!auth.principal) throw new Error('no principal for this session');
      return auth.principal;
    },
    async userOf(token: string) {
      const auth = await authenticate({ ctx: ctx(), input: { cookieHeader: cookieHeader(token) } });
      if (!auth.user) throw new Error('no user for this session');
      return auth.user;
    },
    async seedFacility(tenantId: string, name = `Cold room ${randomBytes(3).toString('hex')}`) {
      const id = newId('facility');
      const type: FacilityType = 'cold_room';
      await state.deps.db.insert(schema.facilities).values({ id, tenantId, name, type });
      return id;
    },
    async auditActions(tenantId: string) {
      const rows = await state.deps.db
        .select({ action: schema.auditLog.action })
        .from(schema.auditLog)
        .where(sql`${schema.auditLog.tenantId} = ${tenantId}`)
        .orderBy(schema.auditLog.seq);
      return rows.map((r) => r.action);
    },
  };
}

export function cookieHeader(token: string) {
  return `other=1; aiot_session=${token}`;
}

export function uniqueEmail(label: string) {
  return `${label}-${randomBytes(5).toString('hex')}@example.test`;
}

export function randomIp() {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export { mailTo };

/** The token of the link to `path` in the newest email to `to` (both the text and the HTML). */
export async function tokenFromMail(to: string, path: string): Promise<string> {
  const [mail] = await mailTo(to);
  if (!mail) throw new Error(`no email to ${to}`);
  const pattern = new RegExp(`${APP_URL}${path}\\?token=([A-Za-z0-9_-]{43})`);
  const fromText = pattern.exec(mail.payload.text ?? '')?.[1];
  const fromHtml = pattern.exec(mail.payload.html ?? '')?.[1];
  expect(fromText).toBeDefined();
  expect(fromHtml).toBe(fromText);
  return fromText!;
}

/** Runs `fn`, expects a DomainError, returns `code:reason` (reason optional). */
export async function failure(fn: () => Promise<unknown>): Promise<{
  code: string;
  reason: string | undefined;
  message: string;
  errors: { path: string; message: string }[];
  retryAfterSeconds: number | undefined;
}> {
  try {
    await fn();
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return {
      code: err.code,
      reason: err.details.reason,
      message: err.message,
      errors: err.details.errors ?? [],
      retryAfterSeconds: err.details.retryAfterSeconds,
    };
  }
  throw new Error('expected a DomainError, got success');
}
