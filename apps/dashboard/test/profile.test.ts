import { ROLES } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as frame from '../app/routes/_app';
import * as profile from '../app/routes/_app.settings.profile';
import { useDashboard } from './harness';
import { addMember, mailTo, secondSession, snapshot, tokenFromMail } from './people-fixtures';

const t = useDashboard();
const URL = '/settings/profile';

async function userRow(userId: string) {
  const [row] = await t.db.select().from(schema.users).where(eq(schema.users.id, userId));
  return row!;
}

async function writesNothing<T>(run: () => Promise<T>): Promise<T> {
  const before = await snapshot(t.db);
  const result = await run();
  expect(await snapshot(t.db)).toEqual(before);
  return result;
}

describe('profile page', () => {
  it('sends a signed-out visitor to log in; a signed-out POST too, writing nothing', async () => {
    const get = await t.call(profile, { as: null, url: URL });
    expect(get.status).toBe(302);
    expect(get.location).toBe('/login?next=%2Fsettings%2Fprofile');
    const post = await writesNothing(() =>
      t.call(profile, { as: null, url: URL, form: { intent: 'save-details', name: 'X' } }),
    );
    expect(post.status).toBe(302);
    expect(post.location).toMatch(/^\/login/);
  });

  it.each(ROLES)('every role opens its own profile (%s)', async (role) => {
    const member = t.a.members[role];
    const res = await t.call(profile, { as: member, url: URL });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      name: `Alpha Pharma ${role}`,
      email: member.email,
      emailVerified: true,
      temperatureUnit: null,
      companyTemperatureUnit: 'C',
    });
  });

  it('saves the own name and unit; a forged user id in the form changes nobody else', async () => {
    const me = await addMember(t, t.a, 'operator');
    const other = t.a.members.manager;
    const res = await t.call(profile, {
      as: me,
      url: URL,
      form: {
        intent: 'save-details',
        name: '  Olga Operator ',
        temperatureUnit: 'F',
        userId: other.userId,
      },
    });
    expect(res).toMatchObject({ status: 200, data: { ok: 'Saved.' } });
    expect(await userRow(me.userId)).toMatchObject({ name: 'Olga Operator', temperatureUnit: 'F' });
    expect(await userRow(other.userId)).toMatchObject({
      name: 'Alpha Pharma manager',
      temperatureUnit: null,
    });
    const shown = await t.call(profile, { as: me, url: URL });
    expect(shown.data).toMatchObject({ temperatureUnit: 'F', companyTemperatureUnit: 'C' });
    // "Company default" clears the own unit again.
    await t.call(profile, {
      as: me,
      url: URL,
      form: { intent: 'save-details', name: 'Olga', temperatureUnit: '' },
    });
    expect((await userRow(me.userId)).temperatureUnit).toBeNull();
  });

  it('bad details are a 422 next to the field and write nothing', async () => {
    const me = await addMember(t, t.b, 'auditor');
    for (const [form, errors] of [
      [{ name: '   ' }, [{ path: 'name', message: 'Enter your name.' }]],
      [
        { name: 'Ok', temperatureUnit: 'K' },
        [{ path: 'temperatureUnit', message: 'Choose °C, °F or the company default.' }],
      ],
    ] as const) {
      const res = await writesNothing(() =>
        t.call(profile, { as: me, url: URL, form: { intent: 'save-details', ...form } }),
      );
      expect(res.status).toBe(422);
      expect(res.data.problem.errors).toEqual(errors);
    }
  });

  it('refuses a cross-origin POST and an unknown intent, writing nothing', async () => {
    const me = await addMember(t, t.a, 'admin');
    const cross = await writesNothing(() =>
      t.call(profile, {
        as: me,
        url: URL,
        form: { intent: 'logout-everywhere' },
        origin: 'https://evil.example',
      }),
    );
    expect(cross.status).toBe(403);
    const still = await t.call(frame, { as: me, url: '/' });
    expect(still.status).toBe(200);
    const unknown = await writesNothing(() =>
      t.call(profile, { as: me, url: URL, form: { intent: 'delete-account' } }),
    );
    expect(unknown.status).toBe(400);
  });

  it('mails a fresh confirmation link to an unconfirmed address; a confirmed one gets none', async () => {
    const unconfirmed = await addMember(t, t.a, 'manager', { verified: false });
    const res = await t.call(profile, {
      as: unconfirmed,
      url: URL,
      form: { intent: 'verify-email' },
    });
    expect(res.data.ok).toBe(
      `We sent a new confirmation link to ${unconfirmed.email}. Earlier links no longer work.`,
    );
    await tokenFromMail(unconfirmed.email, '/verify-email');
    const confirmed = await addMember(t, t.a, 'manager');
    const none = await writesNothing(() =>
      t.call(profile, { as: confirmed, url: URL, form: { intent: 'verify-email' } }),
    );
    expect(none.data.ok).toBe('Your email address is already confirmed.');
    expect(await mailTo(confirmed.email)).toEqual([]);
  });

  it("logging out everywhere ends every session of the person, and nobody else's", async () => {
    const me = await addMember(t, t.a, 'auditor');
    const phone = await secondSession(t, me, t.a.tenantId);
    const colleague = t.a.members.auditor;
    const res = await t.call(profile, { as: me, url: URL, form: { intent: 'logout-everywhere' } });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login');
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/i);
    for (const session of [me, phone]) {
      expect((await t.call(frame, { as: session, url: '/' })).status).toBe(302);
    }
    expect((await t.call(frame, { as: colleague, url: '/' })).status).toBe(200);
  });
});
