// Server-side tests of the dashboard's loaders and actions: real route modules, real Postgres
// (a database per test file), the devstack's Redis and mail catcher; no browser. Each file gets
// two companies with one member per role, so permission and cross-tenant cases cost one line.

import { sessionAuth } from '@anythingiot/accounts';
import { newId, ROLES, type Role } from '@anythingiot/core';
import type { Database } from '@anythingiot/db';
import { facilityRepo, schema } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import type { MemberCtx, TenantCtx } from '@anythingiot/services';
import { afterAll, beforeAll } from 'vitest';
import { appContext } from '../app/server/context.server';
import { memberCtx, tenantCtx } from '../app/server/tenant-ctx.server';
import type { DashboardLoadContext } from '../load-context';

/** The app's origin in these tests: the CSRF check compares request origins with it. */
export const APP_URL = 'http://127.0.0.1:5173';

/** Roles limited to facilities get facility 1 of their company only. */
const LIMITED: readonly Role[] = ['operator', 'vendor'];

export type Member = {
  role: Role;
  userId: string;
  email: string;
  /** `name=value` of the session cookie. */
  cookie: string;
};

export type Company = {
  tenantId: string;
  name: string;
  /** Two facilities; operators and vendors see only the first. */
  facilityIds: [string, string];
  members: Record<Role, Member>;
};

type RouteModule = {
  loader?: (args: never) => unknown;
  action?: (args: never) => unknown;
};

export type CallOptions = {
  /** Who calls: a member (their session cookie), or null for signed out. */
  as: Member | null;
  method?: 'GET' | 'POST';
  /** Path and query, e.g. `/devices?status=online`. */
  url: string;
  params?: Record<string, string>;
  form?: Record<string, string | string[]>;
  /** The Origin header of a POST; defaults to the app's own. Null sends none. */
  origin?: string | null;
};

/** What a loader or action answered, whether it returned or threw. */
export type CallResult = {
  status: number;
  /** Where a redirect points. */
  location: string | null;
  /** The JSON body (loader data, a form failure's `{ problem }`, a problem document). */
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the shape of the route it calls; typing every route's answer here would only restate them
  data: any;
  headers: Headers;
};

export type Dashboard = {
  db: Database;
  /** The file's database as the packages' test fixtures take it. */
  database: TestDatabase;
  env: Record<string, string>;
  a: Company;
  b: Company;
  call(route: RouteModule, options: CallOptions): Promise<CallResult>;
  /** A use-case context acting as `member`, for seeding through the real use cases. */
  ctxFor(member: Member, company: Company): TenantCtx;
  /** The member use cases' context, as the users page builds it (membership id 'seed'). */
  memberCtxFor(member: Member, company: Company): MemberCtx;
};

/** One database and two seeded companies for the test file. */
export function useDashboard(): Dashboard {
  let database: TestDatabase;
  const state = {} as { env: Record<string, string>; a: Company; b: Company };
  beforeAll(async () => {
    database = await createTestDatabase('dashboard');
    state.env = {
      ...database.env,
      APP_URL,
      MAIL_FROM: 'AnythingIoT <no-reply@anythingiot.test>',
    };
    state.a = await seedCompany(database.handle.db, 'Alpha Pharma');
    state.b = await seedCompany(database.handle.db, 'Beta Foods');
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get db() {
      return database.handle.db;
    },
    get database() {
      return database;
    },
    get env() {
      return state.env;
    },
    get a() {
      return state.a;
    },
    get b() {
      return state.b;
    },
    call: (route, options) => call(state.env, route, options),
    ctxFor: (member, company) => tenantCtx(seededMember(state.env, member, company)),
    memberCtxFor: (member, company) => memberCtx(seededMember(state.env, member, company)),
  };
}

/** A seeded member as a page's guard resolves them: the app context and the principal. */
function seededMember(env: Dashboard['env'], member: Member, company: Company) {
  const context = loadContext(env, []);
  const app = appContext(context, new Request(APP_URL));
  return {
    app,
    principal: {
      userId: member.userId,
      email: member.email,
      name: member.role,
      emailVerified: true,
      sessionId: 'seed',
      activeTenantId: company.tenantId,
      tenantId: company.tenantId,
      membershipId: 'seed',
      role: member.role,
      facilityIds: LIMITED.includes(member.role) ? [company.facilityIds[0]!] : [],
    },
  };
}

async function seedCompany(db: Database, name: string): Promise<Company> {
  const tenantId = newId('tenant');
  const slug = `${name.toLowerCase().replace(/\W+/g, '-')}-${tenantId.slice(-6).toLowerCase()}`;
  await db.insert(schema.tenants).values({
    id: tenantId,
    name,
    slug,
    industry: 'pharma',
    timeZone: 'Europe/Berlin',
    temperatureUnit: 'C',
  });
  const meta = { actor: { type: 'system' as const, id: 'test-seed' }, requestId: null };
  const facilities = facilityRepo(db, tenantId);
  const one = await facilities.create({ name: `${name} Cold Room`, type: 'cold_room' }, meta);
  const two = await facilities.create({ name: `${name} Warehouse`, type: 'warehouse' }, meta);
  const sessions = sessionAuth(db, APP_URL);
  const members = {} as Record<Role, Member>;
  for (const role of ROLES) {
    const userId = newId('user');
    const email = `${role}-${userId.slice(-8).toLowerCase()}@${slug}.test`;
    await db.insert(schema.users).values({
      id: userId,
      email,
      name: `${name} ${role}`,
      emailVerifiedAt: new Date(),
    });
    const membershipId = newId('membership');
    await db.insert(schema.memberships).values({ id: membershipId, tenantId, userId, role });
    if (LIMITED.includes(role)) {
      await db
        .insert(schema.membershipFacilities)
        .values({ tenantId, membershipId, facilityId: one.id });
    }
    const session = await sessions.start(userId, tenantId);
    members[role] = { role, userId, email, cookie: session.cookie.split(';')[0]! };
  }
  return { tenantId, name, facilityIds: [one.id, two.id], members };
}

function loadContext(env: Record<string, string>, pending: Promise<unknown>[]) {
  const context: DashboardLoadContext = {
    cloudflare: { env, ctx: { waitUntil: (work) => void pending.push(work) } },
  };
  return context;
}

async function call(
  env: Record<string, string>,
  route: RouteModule,
  options: CallOptions,
): Promise<CallResult> {
  const method = options.method ?? (options.form ? 'POST' : 'GET');
  const headers = new Headers();
  if (options.as) headers.set('cookie', options.as.cookie);
  let body: FormData | undefined;
  if (method === 'POST') {
    const origin = options.origin === undefined ? new URL(APP_URL).origin : options.origin;
    if (origin !== null) headers.set('origin', origin);
    body = new FormData();
    for (const [key, value] of Object.entries(options.form ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
  }
  const request = new Request(new URL(options.url, APP_URL), { method, headers, body });
  const pending: Promise<unknown>[] = [];
  const context = loadContext(env, pending);
  const handler = method === 'GET' ? route.loader : route.action;
  if (!handler) throw new Error(`the route has no ${method === 'GET' ? 'loader' : 'action'}`);
  let outcome: unknown;
  try {
    outcome = await (handler as (args: unknown) => unknown)({
      request,
      context,
      params: options.params ?? {},
    });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    outcome = thrown;
  } finally {
    await Promise.allSettled(pending);
    await context.app?.close();
  }
  return toResult(outcome);
}

async function toResult(outcome: unknown): Promise<CallResult> {
  if (!(outcome instanceof Response)) {
    return { status: 200, location: null, data: outcome ?? null, headers: new Headers() };
  }
  const text = await outcome.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a CSV export, say): the text as it is.
  }
  return {
    status: outcome.status,
    location: outcome.headers.get('location'),
    data,
    headers: outcome.headers,
  };
}
