import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { listTenants, signUp, verifyEmail } from '../src/index.js';
import { failure, mailTo, PASSWORD, tokenFromMail, uniqueEmail, useAccounts } from './harness.js';

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
  it('creates the tenant, its owner, a verification token, audit entries, a session and the email', async () => {
    const input = valid({ email: '  Ada.Mixed@Example.TEST ' });
    const result = await signUp({ ctx: t.ctx(), input: input as never });
    expect(result.verificationEmailSent).toBe(true);
    expect(result.tenantSlug).toMatch(/^acme-cold-storage-gmbh/);

    const [tenant] = await t.db
      .select()
      .from(schema.tenants)
      .where(eq(schema.tenants.id, result.tenantId));
    expect(tenant).toMatchObject({
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
      tenantId: result.tenantId,
      role: 'owner',
      facilityIds: [],
    });
    expect(await t.auditActions(result.tenantId)).toEqual([
      'tenant.create',
      'user.create',
      'membership.create',
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
    expect(stored[0]?.activeTenantId).toBe(result.tenantId);

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
    const a = await signUp({ ctx: t.ctx(), input: valid({ companyName: 'Twin Foods' }) as never });
    const b = await signUp({ ctx: t.ctx(), input: valid({ companyName: 'Twin Foods' }) as never });
    expect(a.tenantSlug).not.toBe(b.tenantSlug);
    expect(b.tenantSlug).toMatch(/^twin-foods/);
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

  it('an address that already has an account: a conflict on the email field, nothing written', async () => {
    const owner = await t.signUpOwner('taken');
    const before = await t.counts();
    const f = await failure(() =>
      signUp({ ctx: t.ctx(), input: valid({ email: owner.email.toUpperCase() }) as never }),
    );
    expect(f).toMatchObject({ code: 'CONFLICT', reason: 'email_taken' });
    expect(f.errors[0]?.path).toBe('email');
    expect(await t.counts()).toEqual(before);
  });

  it('password length counts characters, not bytes: 10 emoji pass, 9 do not', async () => {
    const ok = await signUp({ ctx: t.ctx(), input: valid({ password: '🧊'.repeat(10) }) as never });
    expect(ok.userId).toMatch(/^usr_/);
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
    const result = await verifyEmail({ ctx: t.ctx(), input: { token } });
    expect(result.userId).toBe(owner.userId);
    const user = await t.userOf(owner.session.token);
    expect(user.emailVerified).toBe(true);
    expect((await t.auditActions(owner.tenantId)).at(-1)).toBe('user.email_verify');

    const before = await t.counts();
    for (const bad of [token, 'A'.repeat(43), 'short', null, 42]) {
      const f = await failure(() => verifyEmail({ ctx: t.ctx(), input: { token: bad } }));
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
    const f = await failure(() => verifyEmail({ ctx: t.ctx(), input: { token } }));
    expect(f.reason).toBe('invalid_token');
    expect(await t.counts()).toEqual(before);
    expect((await t.userOf(owner.session.token)).emailVerified).toBe(false);
  });

  it('the signed-up user lists exactly their new company', async () => {
    const owner = await t.signUpOwner('list');
    const user = await t.userOf(owner.session.token);
    expect(await listTenants({ ctx: t.ctx(), user })).toEqual([
      expect.objectContaining({ tenantId: owner.tenantId, role: 'owner', active: true }),
    ]);
  });
});
