// The signed-out pages the account emails link to: forgot password, reset password and
// accepting an invitation (new account, existing account signed in or out, wrong account).

import type { Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { inviteUser } from '@anythingiot/services';
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as frame from '../app/routes/_app';
import * as forgot from '../app/routes/forgot-password';
import * as accept from '../app/routes/invitations.accept';
import * as login from '../app/routes/login';
import * as logout from '../app/routes/logout';
import * as reset from '../app/routes/reset-password';
import * as signup from '../app/routes/signup';
import { type Member, useDashboard } from './harness';
import { addMember, mailTo, secondSession, snapshot, tokenFromMail } from './people-fixtures';

const t = useDashboard();
const PASSWORD = 'a long enough passphrase';
const ANSWER =
  'If an account exists for this address, we have sent it a link to reset the password.';
let counter = 0;
const newEmail = (label: string) => `${label}-${Date.now()}-${++counter}@links.test`;

async function writesNothing<T>(run: () => Promise<T>): Promise<T> {
  const before = await snapshot(t.db);
  const result = await run();
  expect(await snapshot(t.db)).toEqual(before);
  return result;
}

const cookieOf = (res: { headers: Headers }) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('forgot password', () => {
  it('answers known and unknown addresses alike; only the known one gets a link', async () => {
    const known = await addMember(t, t.a, 'manager');
    const unknown = newEmail('nobody');
    const a = await t.call(forgot, {
      as: null,
      url: '/forgot-password',
      form: { email: known.email },
    });
    const b = await t.call(forgot, { as: null, url: '/forgot-password', form: { email: unknown } });
    expect(a).toMatchObject({ status: 200, data: { sent: ANSWER } });
    expect(b).toMatchObject({ status: 200, data: { sent: ANSWER } });
    await tokenFromMail(known.email, '/reset-password');
    expect(await mailTo(unknown)).toEqual([]);
  });

  it('a malformed address is a 422 on the field; a cross-origin form is refused; neither writes', async () => {
    const bad = await writesNothing(() =>
      t.call(forgot, { as: null, url: '/forgot-password', form: { email: 'nope' } }),
    );
    expect(bad.status).toBe(422);
    expect(bad.data.problem.errors).toEqual([
      { path: 'email', message: 'Enter a valid email address.' },
    ]);
    const member = await addMember(t, t.a, 'auditor');
    const cross = await writesNothing(() =>
      t.call(forgot, {
        as: null,
        url: '/forgot-password',
        form: { email: member.email },
        origin: 'https://evil.example',
      }),
    );
    expect(cross.status).toBe(403);
    expect(await mailTo(member.email)).toEqual([]);
  });
});

describe('reset password', () => {
  async function resetLink(member: Member) {
    await t.call(forgot, { as: null, url: '/forgot-password', form: { email: member.email } });
    return tokenFromMail(member.email, '/reset-password');
  }

  it('sets the new password, ends every session, and the person logs in with it', async () => {
    const member = await addMember(t, t.a, 'admin', { password: 'the old passphrase' });
    const other = await secondSession(t, member, t.a.tenantId);
    const token = await resetLink(member);
    const res = await t.call(reset, {
      as: null,
      url: `/reset-password?token=${token}`,
      form: { token, password: PASSWORD },
    });
    expect(res).toMatchObject({ status: 200, data: { reset: true } });
    for (const session of [member, other]) {
      const after = await t.call(frame, { as: session, url: '/' });
      expect(after.status).toBe(302);
    }
    const loggedIn = await t.call(login, {
      as: null,
      url: '/login',
      form: { email: member.email, password: PASSWORD, next: '/' },
    });
    expect(loggedIn.status).toBe(302);
    expect(loggedIn.location).toBe('/');
    // The link works once.
    const again = await writesNothing(() =>
      t.call(reset, {
        as: null,
        url: '/reset-password',
        form: { token, password: 'another passphrase' },
      }),
    );
    expect(again.status).toBe(422);
    expect(again.data.problem.code).toBe('invalid_token');
  });

  it('a password the policy refuses is a 422 next to the field, and the link still works', async () => {
    const member = await addMember(t, t.a, 'manager');
    const token = await resetLink(member);
    for (const [password, message] of [
      ['short', 'Use at least 10 characters.'],
      [member.email, 'Do not use your email address as your password.'],
    ] as const) {
      const res = await writesNothing(() =>
        t.call(reset, { as: null, url: '/reset-password', form: { token, password } }),
      );
      expect(res.status).toBe(422);
      expect(res.data.problem.errors).toEqual([{ path: 'password', message }]);
    }
    const ok = await t.call(reset, {
      as: null,
      url: '/reset-password',
      form: { token, password: PASSWORD },
    });
    expect(ok.data).toEqual({ reset: true });
  });

  it('an unknown, malformed or missing token gets the invalid-link error and writes nothing', async () => {
    for (const token of ['A'.repeat(43), 'garbage', '']) {
      const res = await writesNothing(() =>
        t.call(reset, { as: null, url: '/reset-password', form: { token, password: PASSWORD } }),
      );
      expect(res.status).toBe(422);
      expect(res.data.problem.detail).toBe('This password reset link is invalid or has expired.');
    }
  });

  it('refuses a cross-origin reset and leaves the link usable', async () => {
    const member = await addMember(t, t.a, 'auditor');
    const token = await resetLink(member);
    const res = await writesNothing(() =>
      t.call(reset, {
        as: null,
        url: '/reset-password',
        form: { token, password: PASSWORD },
        origin: 'https://evil.example',
      }),
    );
    expect(res.status).toBe(403);
    const ok = await t.call(reset, {
      as: null,
      url: '/reset-password',
      form: { token, password: PASSWORD },
    });
    expect(ok.data).toEqual({ reset: true });
  });
});

describe('accepting an invitation', () => {
  async function invite(email: string, role: Role = 'manager', facilityIds: string[] = []) {
    await inviteUser({
      ctx: t.memberCtxFor(t.a.members.owner, t.a),
      input: { email, role, facilityIds },
    });
    return tokenFromMail(email, '/invitations/accept');
  }
  const page = (token: string) => `/invitations/accept?token=${token}`;

  it('shows a new person the company, role and address and the new-account form; viewing consumes nothing', async () => {
    const email = newEmail('new');
    const token = await invite(email, 'operator', [t.a.facilityIds[0]]);
    const res = await writesNothing(() => t.call(accept, { as: null, url: page(token) }));
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({
      state: 'new-account',
      signedInAs: null,
      invitation: { email, tenantName: 'Alpha Pharma', role: 'operator' },
    });
  });

  it('a new account joins with the invited role and facilities and is signed in to that company', async () => {
    const email = newEmail('joiner');
    const token = await invite(email, 'vendor', [t.a.facilityIds[1]]);
    const res = await t.call(accept, {
      as: null,
      url: page(token),
      form: { intent: 'create', token, name: 'Vera Vendor', password: PASSWORD },
    });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/');
    const joined = { role: 'vendor' as const, userId: '', email, cookie: cookieOf(res) };
    const inside = await t.call(frame, { as: joined, url: '/' });
    expect(inside.data).toMatchObject({
      tenant: { name: 'Alpha Pharma' },
      me: { role: 'vendor', name: 'Vera Vendor', emailVerified: true },
    });
    const [user] = await t.db.select().from(schema.users).where(eq(schema.users.email, email));
    const [membership] = await t.db
      .select()
      .from(schema.membershipFacilities)
      .innerJoin(
        schema.memberships,
        eq(schema.memberships.id, schema.membershipFacilities.membershipId),
      )
      .where(eq(schema.memberships.userId, user!.id));
    expect(membership?.membership_facilities.facilityId).toBe(t.a.facilityIds[1]);
  });

  it('an unknown or missing intent is a 400 that writes nothing (never the new-account form)', async () => {
    const email = newEmail('intent');
    const token = await invite(email);
    const fields = { token, name: 'Not Created', password: PASSWORD };
    for (const form of [{ ...fields, intent: 'join' }, fields]) {
      const res = await writesNothing(() => t.call(accept, { as: null, url: page(token), form }));
      expect(res.status).toBe(400);
      expect(res.data.code).toBe('unknown_intent');
    }
    const still = await t.call(accept, { as: null, url: page(token) });
    expect(still.data.state).toBe('new-account');
  });

  it('bad fields are 422 next to them and write nothing; the link still works afterwards', async () => {
    const email = newEmail('typo');
    const token = await invite(email);
    const res = await writesNothing(() =>
      t.call(accept, {
        as: null,
        url: page(token),
        form: { intent: 'create', token, name: '  ', password: 'short' },
      }),
    );
    expect(res.status).toBe(422);
    expect(res.data.problem.errors).toEqual([
      { path: 'name', message: 'Enter your name.' },
      { path: 'password', message: 'Use at least 10 characters.' },
    ]);
    const view = await t.call(accept, { as: null, url: page(token) });
    expect(view.data.state).toBe('new-account');
  });

  it('an existing account, signed out, is asked to log in and comes back; the new-account form is refused (409)', async () => {
    const existing = await addMember(t, t.b, 'manager', { password: PASSWORD });
    const token = await invite(existing.email, 'auditor');
    const view = await t.call(accept, { as: null, url: page(token) });
    expect(view.data.state).toBe('log-in');
    const forged = await writesNothing(() =>
      t.call(accept, {
        as: null,
        url: page(token),
        form: { intent: 'create', token, name: 'Someone', password: PASSWORD },
      }),
    );
    expect(forged.status).toBe(409);
    expect(forged.data.problem.code).toBe('account_exists');
    // Logging in with next brings them back to the invitation.
    const loggedIn = await t.call(login, {
      as: null,
      url: '/login',
      form: { email: existing.email, password: PASSWORD, next: page(token) },
    });
    expect(loggedIn.location).toBe(page(token));
    const back = { ...existing, cookie: cookieOf(loggedIn) };
    const signedIn = await t.call(accept, { as: back, url: page(token) });
    expect(signedIn.data).toMatchObject({ state: 'accept', signedInAs: existing.email });
    const accepted = await t.call(accept, {
      as: back,
      url: page(token),
      form: { intent: 'accept', token },
    });
    expect(accepted.status).toBe(302);
    // The session now works in the inviting company, with the invited role; B is kept.
    const inside = await t.call(frame, { as: { ...back, cookie: cookieOf(accepted) }, url: '/' });
    expect(inside.data).toMatchObject({
      tenant: { name: 'Alpha Pharma' },
      me: { role: 'auditor' },
    });
    const memberships = await t.db
      .select()
      .from(schema.memberships)
      .where(
        and(
          eq(schema.memberships.userId, existing.userId),
          isNull(schema.memberships.deactivatedAt),
        ),
      );
    expect(memberships.map((m) => m.tenantId).sort()).toEqual([t.a.tenantId, t.b.tenantId].sort());
  });

  it('signed in as another address: told to switch account, and a forged accept is refused (403), nothing written', async () => {
    const email = newEmail('intended');
    const token = await invite(email);
    const someoneElse = t.b.members.auditor;
    const view = await t.call(accept, { as: someoneElse, url: page(token) });
    expect(view.data).toMatchObject({ state: 'wrong-account', signedInAs: someoneElse.email });
    const forged = await writesNothing(() =>
      t.call(accept, { as: someoneElse, url: page(token), form: { intent: 'accept', token } }),
    );
    expect(forged.status).toBe(403);
    expect(forged.data.code).toBe('invitation_for_another_email');
    // "Log out and switch account" comes back to the invitation after logging in.
    const out = await t.call(logout, {
      as: await secondSession(t, someoneElse, t.b.tenantId),
      url: '/logout',
      form: { next: page(token) },
    });
    expect(out.location).toBe(`/login?next=${encodeURIComponent(page(token))}`);
  });

  it('accepting while signed out is a 401 on the form, and writes nothing', async () => {
    const email = newEmail('signedout');
    const token = await invite(email);
    const res = await writesNothing(() =>
      t.call(accept, { as: null, url: page(token), form: { intent: 'accept', token } }),
    );
    expect(res.status).toBe(401);
  });

  it('a used, unknown or missing link shows the invalid-link message (422) and writes nothing', async () => {
    const email = newEmail('twice');
    const token = await invite(email);
    await t.call(accept, {
      as: null,
      url: page(token),
      form: { intent: 'create', token, name: 'First', password: PASSWORD },
    });
    for (const url of [page(token), page('A'.repeat(43)), '/invitations/accept']) {
      const res = await writesNothing(() => t.call(accept, { as: null, url }));
      expect(res.status).toBe(422);
      expect(res.data).toMatchObject({
        state: 'invalid',
        detail: 'This invitation link is invalid or has expired.',
      });
    }
    const again = await writesNothing(() =>
      t.call(accept, {
        as: null,
        url: page(token),
        form: { intent: 'create', token, name: 'Second', password: PASSWORD },
      }),
    );
    expect(again.status).toBe(422);
    expect(again.data.problem.code).toBe('invalid_token');
  });

  it('refuses a cross-origin accept and leaves the invitation pending', async () => {
    const email = newEmail('csrf');
    const token = await invite(email);
    const res = await writesNothing(() =>
      t.call(accept, {
        as: null,
        url: page(token),
        form: { intent: 'create', token, name: 'Mallory', password: PASSWORD },
        origin: 'https://evil.example',
      }),
    );
    expect(res.status).toBe(403);
    const view = await t.call(accept, { as: null, url: page(token) });
    expect(view.data.state).toBe('new-account');
  });
});

describe('sign-up', () => {
  const form = (email: string) => ({
    companyName: 'Enumeration Test GmbH',
    industry: 'food',
    name: 'Eve',
    email,
    password: PASSWORD,
    timeZone: 'Europe/Berlin',
    temperatureUnit: 'C',
  });

  it('a taken address gets exactly the answer a new one gets (no cookie, no redirect); its owner is mailed', async () => {
    const known = await addMember(t, t.a, 'manager');
    const fresh = newEmail('fresh');
    const taken = await t.call(signup, { as: null, url: '/signup', form: form(known.email) });
    const created = await t.call(signup, { as: null, url: '/signup', form: form(fresh) });
    // Before the fix: 409 "An account with this email already exists" vs a redirect with a session.
    expect(taken.status).toBe(created.status);
    expect(taken.headers.get('set-cookie')).toBeNull();
    expect(created.headers.get('set-cookie')).toBeNull();
    expect(taken.data).toEqual({ sent: known.email.toLowerCase() });
    expect(created.data).toEqual({ sent: fresh });
    const [told] = await mailTo(known.email);
    expect(told?.payload.subject).toBe('Someone tried to sign up with your email address');
    await tokenFromMail(fresh, '/verify-email');
  });
});
