import { ROLES } from '@anythingiot/core';
import { describe, expect, it } from 'vitest';
import * as frame from '../app/routes/_app';
import * as overview from '../app/routes/_app._index';
import * as login from '../app/routes/login';
import * as logout from '../app/routes/logout';
import * as tenants from '../app/routes/tenants';
import { useDashboard } from './harness';

const t = useDashboard();

describe('the signed-in frame', () => {
  it('sends a signed-out visitor to the login page, coming back afterwards', async () => {
    const res = await t.call(overview, { as: null, url: '/?range=24h' });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2F%3Frange%3D24h');
  });

  it('shows each role only the sections it may open', async () => {
    const navs = Object.fromEntries(
      await Promise.all(
        ROLES.map(async (role) => {
          const res = await t.call(frame, { as: t.a.members[role], url: '/' });
          expect(res.status).toBe(200);
          return [role, res.data.nav.map((n: { label: string }) => n.label)];
        }),
      ),
    );
    expect(navs.owner).toContain('API keys');
    expect(navs.auditor).toEqual([
      'Overview',
      'Alerts',
      'Devices',
      'Facilities',
      'Users',
      'Audit log',
    ]);
    expect(navs.operator).toEqual(['Overview', 'Alerts', 'Devices', 'Facilities']);
    expect(navs.manager).not.toContain('API keys');
    expect(navs.manager).not.toContain('Audit log');
  });

  it('names the active company', async () => {
    const res = await t.call(frame, { as: t.b.members.operator, url: '/' });
    expect(res.data.tenant.name).toBe('Beta Foods');
  });
});

describe('switching company', () => {
  it('answers 404 for a company the user is not a member of, and keeps the session', async () => {
    const owner = t.a.members.owner;
    const res = await t.call(tenants, {
      as: owner,
      url: '/tenants',
      form: { tenantId: t.b.tenantId },
    });
    expect(res.status).toBe(404);
    const still = await t.call(frame, { as: owner, url: '/' });
    expect(still.data.tenant.name).toBe('Alpha Pharma');
  });

  it('refuses a cross-origin switch', async () => {
    const res = await t.call(tenants, {
      as: t.a.members.owner,
      url: '/tenants',
      form: { tenantId: t.a.tenantId },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
  });
});

describe('login and logout', () => {
  it('refuses a cross-origin login form (CSRF) before any password work', async () => {
    const res = await t.call(login, {
      as: null,
      url: '/login',
      form: { email: t.a.members.owner.email, password: 'whatever' },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(res.data.code).toBe('cross_origin');
  });

  it('answers a wrong password on the form, without saying whether the address exists', async () => {
    const known = await t.call(login, {
      as: null,
      url: '/login',
      form: { email: t.a.members.admin.email, password: 'not the password at all' },
    });
    const unknown = await t.call(login, {
      as: null,
      url: '/login',
      form: { email: 'nobody@nowhere.test', password: 'not the password at all' },
    });
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(known.data.problem.detail).toBe(unknown.data.problem.detail);
  });

  it('ends the session on logout: the same cookie is signed out afterwards', async () => {
    const member = t.b.members.manager;
    const res = await t.call(logout, { as: member, url: '/logout', form: {} });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login');
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/i);
    const after = await t.call(overview, { as: member, url: '/' });
    expect(after.status).toBe(302);
    expect(after.location).toMatch(/^\/login/);
  });
});
