import type { AccountsContext } from '@anythingiot/accounts';
import { login, signUp } from '@anythingiot/accounts';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { listTenants, verifyEmail } from '../../src/index.js';
import {
  APP_URL,
  failure,
  mailTo,
  PASSWORD,
  randomIp,
  tokenFromMail,
  uniqueEmail,
  useAccounts,
} from './harness.js';

/** A ctx whose password hasher counts the hashes it makes (the real scrypt underneath). */
function useHashCounter(count: () => void) {
  return (ctx: AccountsContext): AccountsContext => ({
    ...ctx,
    deps: {
      ...ctx.deps,
      passwords: {
        ...ctx.deps.passwords,
        hash: (password) => {
          count();
          return ctx.deps.passwords.hash(password);
        },
      },
    },
  });
}

const t = useAccounts();

const valid = (over: Record<string, unknown> = {}) => ({
  email: uniqueEmail('signup'),
  password: PASSWORD,
  name: 'Ada Lovelace',
  companyName: 'Acme Cold Storage GmbH',
  industry: 'food',
  timeZone: 'America/New_York',
  temperatureUnit: 'F',
  ...over,
});

describe('signUp', () => {
  it('creates the tenant, its owner, a verification token, audit entries and the email; the owner then logs in', async () => {
    const input = valid({ email: '  Ada.Mixed@Example.TEST ' });
    const answer = await signUp({ ctx: t.ctx(), input: input as never });
    expect(answer).toEqual({ email: 'ada.mixed@example.test' });
    const sessionsBefore = (await t.counts()).sessions;
    const result = await login({
      ctx: t.ctx(),
      input: { email: 'ada.mixed@example.test', password: PASSWORD },
    });
    expect((await t.counts()).sessions).toBe((sessionsBefore as number) + 1); // sign-up itself started none
    const [tenant] = await t.db
      .select()
      .from(schema.tenants)
      .where(eq(schema.tenants.id, result.activeTenantId!));
    expect(tenant).toMatchObject({
      slug: expect.stringMatching(/^acme-cold-storage-gmbh/),
      name: 'Acme Cold Storage GmbH',
      industry: 'food',
      timeZone: 'America/New_York',
      temperatureUnit: 'F',
    });
    const [user] = await t.db.select().from(schema.users).where(eq(schema.users.id, result.userId));
    expect(user?.email).toBe('ada.mixed@example.test');
    expect(user?.passwordHash).toMatch(/^scrypt\$v=1\$n=16384,r=8,p=5\$/);
    expect(user?.emailVerifiedAt).toBeNull();

    const principal = await t.principalOf(result.session.token);
    expect(principal).toMatchObject({
      userId: result.userId,
      tenantId: result.activeTenantId,
      role: 'owner',
      facilityIds: [],
    });
    expect(await t.auditActions(result.activeTenantId!)).toEqual([
      'tenant.create',
      'user.create',
      'membership.create',
      'auth.login',
    ]);

    // The session cookie: HttpOnly, SameSite=Lax, not Secure on http://localhost.
    expect(result.session.cookie).toMatch(/^aiot_session=[A-Za-z0-9_-]{43};/);
    expect(result.session.cookie).toContain('HttpOnly');
    expect(result.session.cookie).toContain('SameSite=Lax');
    expect(result.session.cookie).not.toContain('Secure');

    // The stored session id is the token's hash, not the token.
    const stored = await t.db
      .select()
      .from(schema.sessions)
      .where(eq(schema.sessions.userId, result.userId));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id).not.toBe(result.session.token);
    expect(stored[0]?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]?.activeTenantId).toBe(result.activeTenantId);

    const [mail] = await mailTo('ada.mixed@example.test');
    expect(mail?.payload.subject).toBe('Confirm your email address');
    const token = await tokenFromMail('ada.mixed@example.test', '/verify-email');
    const tokens = await t.db
      .select()
      .from(schema.accountTokens)
      .where(eq(schema.accountTokens.userId, result.userId));
    expect(tokens.map((r) => r.tokenHash)).not.toContain(token);
    expect(tokens[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a second company with the same name gets a different slug', async () => {
    await signUp({ ctx: t.ctx(), input: valid({ companyName: 'Twin Foods' }) as never });
    await signUp({ ctx: t.ctx(), input: valid({ companyName: 'Twin Foods' }) as never });
    const rows = await t.db
      .select({ slug: schema.tenants.slug })
      .from(schema.tenants)
      .where(eq(schema.tenants.name, 'Twin Foods'));
    expect(rows).toHaveLength(2);
    expect(rows[0]?.slug).not.toBe(rows[1]?.slug);
    expect(rows.every((r) => r.slug.startsWith('twin-foods'))).toBe(true);
  });

  const bad: [string, Record<string, unknown>, string[]][] = [
    ['malformed email', { email: 'not-an-email' }, ['email']],
    ['short password', { password: 'short' }, ['password']],
    ['long password', { password: 'x'.repeat(129) }, ['password']],
    [
      'password = email',
      { email: 'same-as@example.test', password: 'Same-As@Example.test' },
      ['password'],
    ],
    ['missing company', { companyName: '   ' }, ['companyName']],
    ['unknown industry', { industry: 'textiles' }, ['industry']],
    ['unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, ['timeZone']],
    ['unknown unit', { temperatureUnit: 'K' }, ['temperatureUnit']],
    [
      'everything wrong at once',
      { email: 'x', companyName: '', timeZone: 'Nope', temperatureUnit: 'K', industry: 'x' },
      ['email', 'companyName', 'industry', 'timeZone', 'temperatureUnit'],
    ],
  ];
  it.each(bad)('%s: field errors, nothing written', async (_label, over, paths) => {
    const before = await t.counts();
    const f = await failure(() => signUp({ ctx: t.ctx(), input: valid(over) as never }));
    expect(f.code).toBe('VALIDATION');
    expect(f.errors.map((e) => e.path).sort()).toEqual([...paths].sort());
    for (const e of f.errors) expect(e.message.length).toBeGreaterThan(5);
    expect(await t.counts()).toEqual(before);
  });

  it('an address that already has an account gets the same answer as a new one; only its owner learns why, by email', async () => {
    const owner = await t.signUpOwner('taken');
    const before = await t.counts();
    const fresh = uniqueEmail('fresh');
    const taken = await signUp({
      ctx: t.ctx(),
      input: valid({ email: owner.email.toUpperCase(), password: 'another password 1' }) as never,
    });
    const created = await signUp({ ctx: t.ctx(), input: valid({ email: fresh }) as never });
    // The attacker's view: the same shape, the address echoed back, nothing else.
    expect(Object.keys(taken)).toEqual(Object.keys(created));
    expect(taken).toEqual({ email: owner.email });
    expect(created).toEqual({ email: fresh });
    // The taken address: nothing written, the owner told.
    const after = await t.counts();
    expect(after.users).toBe((before.users as number) + 1); // the fresh one only
    const [mail] = await mailTo(owner.email);
    expect(mail?.payload.subject).toBe('Someone tried to sign up with your email address');
    expect(mail?.payload.text).toContain(`${APP_URL}/login`);
    // The existing account is untouched: its own password still works, the attacker's does not.
    expect(
      (await login({ ctx: t.ctx(), input: { email: owner.email, password: PASSWORD } })).userId,
    ).toBe(owner.userId);
    expect(
      (
        await failure(() =>
          login({ ctx: t.ctx(), input: { email: owner.email, password: 'another password 1' } }),
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
  });

  it('the taken address costs the same work before answering: its password is hashed too', async () => {
    const owner = await t.signUpOwner('timing');
    let hashed = 0;
    const counting = useHashCounter(() => hashed++);
    await signUp({ ctx: counting(t.ctx()), input: valid({ email: owner.email }) as never });
    await signUp({ ctx: counting(t.ctx()), input: valid() as never });
    expect(hashed).toBe(2);
  });

  it('in a Worker the email goes after the answer for a taken address as for a new one', async () => {
    const owner = await t.signUpOwner('deferred');
    const fresh = uniqueEmail('deferred');
    for (const email of [owner.email, fresh]) {
      const pending: Promise<unknown>[] = [];
      const before = (await mailTo(email)).length;
      await signUp({
        ctx: { ...t.ctx(), waitUntil: (p) => pending.push(p) },
        input: valid({ email }) as never,
      });
      // Handed to waitUntil, not awaited: the answer's time does not include it.
      expect(pending).toHaveLength(1);
      await Promise.all(pending);
      expect((await mailTo(email)).length).toBe(before + 1);
    }
  });

  it('sign-ups are throttled per IP: the 11th from one address in an hour answers 429 and creates nothing', async () => {
    const ip = randomIp();
    const limit = t.state.deps.signUpThrottle.limit;
    expect(limit).toBe(10);
    // The limit is reserved before any work: reserve it up with cheap bad-password-free calls.
    const key = `signup:ip:${ip}`;
    await t.state.deps.redis.set(key, limit, { ex: 3600 });
    const before = await t.counts();
    const f = await failure(() => signUp({ ctx: t.ctx(ip), input: valid() as never }));
    expect(f).toMatchObject({ code: 'RATE_LIMITED', reason: 'signup_throttled' });
    expect(f.retryAfterSeconds).toBeGreaterThan(3000);
    expect(await t.counts()).toEqual(before);
    // Another IP is not affected.
    expect(await signUp({ ctx: t.ctx(), input: valid() as never })).toHaveProperty('email');
  });

  it('password length counts characters, not bytes: 10 emoji pass, 9 do not', async () => {
    const ok = await signUp({ ctx: t.ctx(), input: valid({ password: '🧊'.repeat(10) }) as never });
    expect(ok.email).toMatch(/@example\.test$/);
    const f = await failure(() =>
      signUp({ ctx: t.ctx(), input: valid({ password: '🧊'.repeat(9) }) as never }),
    );
    expect(f.errors).toEqual([{ path: 'password', message: 'Use at least 10 characters.' }]);
  });
});

describe('verifyEmail', () => {
  it('verifies once; the second use, an unknown or malformed token change nothing', async () => {
    const owner = await t.signUpOwner('verify');
    const token = await tokenFromMail(owner.email, '/verify-email');
    const result = await verifyEmail({ ctx: t.accountCtx(), input: { token } });
    expect(result.userId).toBe(owner.userId);
    const user = await t.userOf(owner.session.token);
    expect(user.emailVerified).toBe(true);
    expect((await t.auditActions(owner.tenantId)).at(-1)).toBe('user.email_verify');

    const before = await t.counts();
    for (const bad of [token, 'A'.repeat(43), 'short', null, 42]) {
      const f = await failure(() => verifyEmail({ ctx: t.accountCtx(), input: { token: bad } }));
      expect(f).toMatchObject({ code: 'VALIDATION', reason: 'invalid_token' });
      expect(f.errors[0]?.path).toBe('token');
    }
    expect(await t.counts()).toEqual(before);
  });

  it('an expired token is refused and stays unused', async () => {
    const owner = await t.signUpOwner('expired');
    const token = await tokenFromMail(owner.email, '/verify-email');
    await t.db
      .update(schema.accountTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.accountTokens.userId, owner.userId));
    const before = await t.counts();
    const f = await failure(() => verifyEmail({ ctx: t.accountCtx(), input: { token } }));
    expect(f.reason).toBe('invalid_token');
    expect(await t.counts()).toEqual(before);
    expect((await t.userOf(owner.session.token)).emailVerified).toBe(false);
  });

  it('the signed-up user lists exactly their new company', async () => {
    const owner = await t.signUpOwner('list');
    const user = await t.userOf(owner.session.token);
    expect(await listTenants({ ctx: t.userCtx(user) })).toEqual([
      expect.objectContaining({ tenantId: owner.tenantId, role: 'owner', active: true }),
    ]);
  });
});
