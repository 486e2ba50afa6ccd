import { authenticate, login } from '@anythingiot/accounts';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { PASSWORD_RESET_ANSWER, requestPasswordReset, resetPassword } from '../../src/index.js';
import {
  cookieHeader,
  failure,
  mailTo,
  PASSWORD,
  tokenFromMail,
  uniqueEmail,
  useAccounts,
} from './harness.js';

const t = useAccounts({
  throttle: { account: { limit: 2, windowSeconds: 60 }, ip: { limit: 50, windowSeconds: 60 } },
});
const NEW_PASSWORD = 'a brand new passphrase';

describe('requestPasswordReset', () => {
  it('answers the same for a known and an unknown address; only the known one gets an email', async () => {
    const owner = await t.signUpOwner('reset');
    const unknown = uniqueEmail('nobody');
    const before = await t.counts();
    const a = await requestPasswordReset({ ctx: t.accountCtx(), input: { email: owner.email } });
    const b = await requestPasswordReset({ ctx: t.accountCtx(), input: { email: unknown } });
    expect(a).toEqual(PASSWORD_RESET_ANSWER);
    expect(b).toEqual(a);
    expect(await mailTo(unknown)).toEqual([]);
    const [mail] = await mailTo(owner.email);
    expect(mail?.payload.subject).toBe('Reset your password');
    // The unknown address wrote nothing; the known one exactly one token (hashed).
    const after = await t.counts();
    expect(after.account_tokens).toBe((before.account_tokens as number) + 1);
    const token = await tokenFromMail(owner.email, '/reset-password');
    const rows = await t.db
      .select()
      .from(schema.accountTokens)
      .where(eq(schema.accountTokens.userId, owner.userId));
    expect(rows.map((r) => r.tokenHash)).not.toContain(token);
  });

  it('a malformed address is a field error and writes nothing', async () => {
    const before = await t.counts();
    const f = await failure(() =>
      requestPasswordReset({ ctx: t.accountCtx(), input: { email: 'not an email' } }),
    );
    expect(f.code).toBe('VALIDATION');
    expect(f.errors[0]?.path).toBe('email');
    expect(await t.counts()).toEqual(before);
  });

  it('at most three emails an hour per address, with the same answer beyond', async () => {
    const owner = await t.signUpOwner('cap');
    for (let i = 0; i < 5; i++) {
      expect(
        await requestPasswordReset({ ctx: t.accountCtx(), input: { email: owner.email } }),
      ).toEqual(PASSWORD_RESET_ANSWER);
    }
    expect(
      (await mailTo(owner.email)).filter((m) => m.payload.subject === 'Reset your password'),
    ).toHaveLength(3);
  });
});

describe('resetPassword', () => {
  it('sets the password once, ends every session, lifts a lock-out; the old password stops working', async () => {
    const owner = await t.signUpOwner('doreset');
    const other = await login({ ctx: t.ctx(), input: { email: owner.email, password: PASSWORD } });
    // Lock the account with wrong passwords first.
    for (let i = 0; i < 2; i++) {
      await failure(() =>
        login({ ctx: t.ctx(), input: { email: owner.email, password: 'guessing wrong' } }),
      );
    }
    expect(
      (
        await failure(() =>
          login({ ctx: t.ctx(), input: { email: owner.email, password: PASSWORD } }),
        )
      ).code,
    ).toBe('RATE_LIMITED');

    await requestPasswordReset({ ctx: t.accountCtx(), input: { email: owner.email } });
    const token = await tokenFromMail(owner.email, '/reset-password');
    const result = await resetPassword({
      ctx: t.accountCtx(),
      input: { token, password: NEW_PASSWORD },
    });
    expect(result.userId).toBe(owner.userId);

    for (const s of [owner.session.token, other.session.token]) {
      const auth = await authenticate({ ctx: t.ctx(), input: { cookieHeader: cookieHeader(s) } });
      expect(auth.user).toBeNull();
    }
    expect((await t.auditActions(owner.tenantId)).at(-1)).toBe('user.password_reset');
    const old = await failure(() =>
      login({ ctx: t.ctx(), input: { email: owner.email, password: PASSWORD } }),
    );
    expect(old.code).toBe('UNAUTHENTICATED');
    const fresh = await login({
      ctx: t.ctx(),
      input: { email: owner.email, password: NEW_PASSWORD },
    });
    expect(fresh.userId).toBe(owner.userId);
    // The link also proved the mailbox.
    expect((await t.userOf(fresh.session.token)).emailVerified).toBe(true);

    // Single use.
    const before = await t.counts();
    const again = await failure(() =>
      resetPassword({ ctx: t.accountCtx(), input: { token, password: 'yet another password' } }),
    );
    expect(again).toMatchObject({ code: 'VALIDATION', reason: 'invalid_token' });
    expect(await t.counts()).toEqual(before);
  });

  it('a newer request makes the older link stop working', async () => {
    const owner = await t.signUpOwner('newer');
    await requestPasswordReset({ ctx: t.accountCtx(), input: { email: owner.email } });
    const first = await tokenFromMail(owner.email, '/reset-password');
    await requestPasswordReset({ ctx: t.accountCtx(), input: { email: owner.email } });
    const second = await tokenFromMail(owner.email, '/reset-password');
    expect(second).not.toBe(first);
    expect(
      (
        await failure(() =>
          resetPassword({ ctx: t.accountCtx(), input: { token: first, password: NEW_PASSWORD } }),
        )
      ).reason,
    ).toBe('invalid_token');
    await resetPassword({ ctx: t.accountCtx(), input: { token: second, password: NEW_PASSWORD } });
  });

  it('an expired link, a weak password and a malformed token change nothing (the link stays unused)', async () => {
    const owner = await t.signUpOwner('weak');
    await requestPasswordReset({ ctx: t.accountCtx(), input: { email: owner.email } });
    const token = await tokenFromMail(owner.email, '/reset-password');
    const before = await t.counts();

    const weak = await failure(() =>
      resetPassword({ ctx: t.accountCtx(), input: { token, password: 'short' } }),
    );
    expect(weak).toMatchObject({ code: 'VALIDATION' });
    expect(weak.errors).toEqual([{ path: 'password', message: 'Use at least 10 characters.' }]);
    const same = await failure(() =>
      resetPassword({ ctx: t.accountCtx(), input: { token, password: owner.email } }),
    );
    expect(same.errors[0]?.message).toBe('Do not use your email address as your password.');
    for (const bad of ['nope', null, 'B'.repeat(43)]) {
      expect(
        (
          await failure(() =>
            resetPassword({ ctx: t.accountCtx(), input: { token: bad, password: NEW_PASSWORD } }),
          )
        ).reason,
      ).toBe('invalid_token');
    }
    expect(await t.counts()).toEqual(before);
    // Sessions untouched by the refusals.
    expect((await t.userOf(owner.session.token)).userId).toBe(owner.userId);

    await t.db
      .update(schema.accountTokens)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(schema.accountTokens.userId, owner.userId));
    const expiredBefore = await t.counts();
    expect(
      (
        await failure(() =>
          resetPassword({ ctx: t.accountCtx(), input: { token, password: NEW_PASSWORD } }),
        )
      ).reason,
    ).toBe('invalid_token');
    expect(await t.counts()).toEqual(expiredBefore);
  });

  it('a verification token is not a reset token', async () => {
    const owner = await t.signUpOwner('purpose');
    const verification = await tokenFromMail(owner.email, '/verify-email');
    const before = await t.counts();
    expect(
      (
        await failure(() =>
          resetPassword({
            ctx: t.accountCtx(),
            input: { token: verification, password: NEW_PASSWORD },
          }),
        )
      ).reason,
    ).toBe('invalid_token');
    expect(await t.counts()).toEqual(before);
  });
});
