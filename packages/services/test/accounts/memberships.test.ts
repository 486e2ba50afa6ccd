import { authenticate, login, type Principal } from '@anythingiot/accounts';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  acceptInvitationNewAccount,
  changeRole,
  deactivateMembership,
  inviteUser,
  listTenants,
  switchTenant,
} from '../../src/index.js';
import {
  cookieHeader,
  failure,
  PASSWORD,
  tokenFromMail,
  uniqueEmail,
  useAccounts,
} from './harness.js';

const t = useAccounts();

/** A company with an owner, and a helper that adds members by invitation. */
async function company(label: string) {
  const owner = await t.signUpOwner(label);
  const ownerPrincipal = await t.principalOf(owner.session.token);
  const facility = await t.seedFacility(owner.tenantId);
  async function add(
    role: Principal['role'],
    facilityIds: string[] = [],
    by: Principal = ownerPrincipal,
  ) {
    const email = uniqueEmail(role);
    await inviteUser({ ctx: t.memberCtx(by), input: { email, role, facilityIds } });
    const token = await tokenFromMail(email, '/invitations/accept');
    const joined = await acceptInvitationNewAccount({
      ctx: t.accountCtx(),
      input: { token, name: `${role} person`, password: PASSWORD },
    });
    return {
      ...joined,
      email,
      token: joined.session.token,
      principal: await t.principalOf(joined.session.token),
    };
  }
  return { owner, ownerPrincipal, facility, add };
}

describe('changeRole', () => {
  it('an admin promotes an operator to manager: audited before/after, the member keeps working under a rotated session', async () => {
    const c = await company('promote');
    const admin = await c.add('admin');
    const op = await c.add('operator', [c.facility]);
    const result = await changeRole({
      ctx: t.memberCtx(admin.principal),
      input: {
        membershipId: op.membershipId,
        role: 'manager',
        reason: 'took over the night shift',
      },
    });
    expect(result).toEqual({ changed: true });
    const [entry] = await t.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, 'membership.role_change'));
    expect(entry).toMatchObject({
      tenantId: c.owner.tenantId,
      actorId: admin.userId,
      targetId: op.membershipId,
      before: { role: 'operator', facilityIds: [c.facility] },
      after: { role: 'manager', facilityIds: [] },
      reason: 'took over the night shift',
    });
    // The member's next request rotates the session id; the old token is then dead.
    const auth = await authenticate({
      ctx: t.ctx(),
      input: { cookieHeader: cookieHeader(op.token) },
    });
    expect(auth.principal).toMatchObject({ role: 'manager', facilityIds: [] });
    expect(auth.token).not.toBe(op.token);
    expect(auth.setCookie).toMatch(/^aiot_session=[A-Za-z0-9_-]{43};/);
    const stale = await authenticate({
      ctx: t.ctx(),
      input: { cookieHeader: cookieHeader(op.token) },
    });
    expect(stale.user).toBeNull();
    const again = await authenticate({
      ctx: t.ctx(),
      input: { cookieHeader: cookieHeader(auth.token!) },
    });
    expect(again).toMatchObject({ setCookie: null, principal: { role: 'manager' } });
    // The role itself applies at once, rotation or not: the row is read on every request.
  });

  it('the same role and facilities again is no change and writes nothing', async () => {
    const c = await company('noop');
    const op = await c.add('operator', [c.facility]);
    const before = await t.counts();
    const result = await changeRole({
      ctx: t.memberCtx(c.ownerPrincipal),
      input: { membershipId: op.membershipId, role: 'operator', facilityIds: [c.facility] },
    });
    expect(result).toEqual({ changed: false });
    expect(await t.counts()).toEqual(before);
  });

  it("refusals write nothing: admin vs owner, last owner, bad fields, another tenant's member", async () => {
    const a = await company('rolesA');
    const b = await company('rolesB');
    const admin = await a.add('admin');
    const manager = await a.add('manager');
    const bOperator = await b.add('operator', [b.facility]);
    const ownerMembership = a.ownerPrincipal.membershipId;

    const before = await t.counts();
    const cases: [string, () => Promise<unknown>, string, string | undefined][] = [
      [
        'admin cannot demote the owner',
        () =>
          changeRole({
            ctx: t.memberCtx(admin.principal),
            input: { membershipId: ownerMembership, role: 'admin' },
          }),
        'FORBIDDEN',
        'owner_only',
      ],
      [
        'admin cannot make an owner',
        () =>
          changeRole({
            ctx: t.memberCtx(admin.principal),
            input: { membershipId: manager.membershipId, role: 'owner' },
          }),
        'FORBIDDEN',
        'owner_only',
      ],
      [
        'the last owner cannot demote themselves',
        () =>
          changeRole({
            ctx: t.memberCtx(a.ownerPrincipal),
            input: { membershipId: ownerMembership, role: 'admin' },
          }),
        'CONFLICT',
        'last_owner',
      ],
      [
        'operator needs facilities',
        () =>
          changeRole({
            ctx: t.memberCtx(a.ownerPrincipal),
            input: { membershipId: manager.membershipId, role: 'operator' },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        'a facility of tenant B',
        () =>
          changeRole({
            ctx: t.memberCtx(a.ownerPrincipal),
            input: {
              membershipId: manager.membershipId,
              role: 'vendor',
              facilityIds: [b.facility],
            },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        'unknown role',
        () =>
          changeRole({
            ctx: t.memberCtx(a.ownerPrincipal),
            input: { membershipId: manager.membershipId, role: 'root' as never },
          }),
        'VALIDATION',
        undefined,
      ],
      [
        "tenant B's member is not found from tenant A",
        () =>
          changeRole({
            ctx: t.memberCtx(a.ownerPrincipal),
            input: { membershipId: bOperator.membershipId, role: 'auditor' },
          }),
        'NOT_FOUND',
        'not_found',
      ],
      [
        'unknown membership id',
        () =>
          changeRole({
            ctx: t.memberCtx(a.ownerPrincipal),
            input: { membershipId: 'mbr_nope', role: 'auditor' },
          }),
        'NOT_FOUND',
        'not_found',
      ],
    ];
    for (const [label, run, code, reason] of cases) {
      const f = await failure(run);
      expect({ label, code: f.code, reason: f.reason }).toEqual({ label, code, reason });
    }
    expect(await t.counts()).toEqual(before);
    expect((await t.principalOf(bOperator.token)).role).toBe('operator');
  });

  it('with a second owner, an owner may step down; then the remaining one is the last', async () => {
    const c = await company('twoowners');
    const second = await c.add('owner');
    await changeRole({
      ctx: t.memberCtx(c.ownerPrincipal),
      input: { membershipId: c.ownerPrincipal.membershipId, role: 'admin' },
    });
    const f = await failure(() =>
      changeRole({
        ctx: t.memberCtx(second.principal),
        input: { membershipId: second.membershipId, role: 'manager' },
      }),
    );
    expect(f).toMatchObject({ code: 'CONFLICT', reason: 'last_owner' });
  });
});

describe('deactivateMembership', () => {
  it('an admin deactivates an operator: audited, their sessions in this tenant end, the row stays', async () => {
    const c = await company('deact');
    const admin = await c.add('admin');
    const op = await c.add('operator', [c.facility]);
    await deactivateMembership({
      ctx: t.memberCtx(admin.principal),
      input: { membershipId: op.membershipId, reason: 'left the company' },
    });
    const auth = await authenticate({
      ctx: t.ctx(),
      input: { cookieHeader: cookieHeader(op.token) },
    });
    expect(auth.user).toBeNull();
    const [row] = await t.db
      .select()
      .from(schema.memberships)
      .where(eq(schema.memberships.id, op.membershipId));
    expect(row?.deactivatedAt).toBeInstanceOf(Date);
    expect((await t.auditActions(c.owner.tenantId)).at(-1)).toBe('membership.deactivate');
    // Logging in again gives a user without a principal: no active company.
    const again = await login({ ctx: t.ctx(), input: { email: op.email, password: PASSWORD } });
    expect(again.activeTenantId).toBeNull();
    const after = await authenticate({
      ctx: t.ctx(),
      input: { cookieHeader: cookieHeader(again.session.token) },
    });
    expect(after.user?.userId).toBe(op.userId);
    expect(after.principal).toBeNull();
  });

  it('anyone may leave; the last owner cannot; an admin cannot remove an owner', async () => {
    const c = await company('leave');
    const admin = await c.add('admin');
    const vendor = await c.add('vendor', [c.facility]);
    const before = await t.counts();
    const lastOwner = await failure(() =>
      deactivateMembership({
        ctx: t.memberCtx(c.ownerPrincipal),
        input: { membershipId: c.ownerPrincipal.membershipId },
      }),
    );
    expect(lastOwner).toMatchObject({ code: 'CONFLICT', reason: 'last_owner' });
    const adminVsOwner = await failure(() =>
      deactivateMembership({
        ctx: t.memberCtx(admin.principal),
        input: { membershipId: c.ownerPrincipal.membershipId },
      }),
    );
    expect(adminVsOwner).toMatchObject({ code: 'FORBIDDEN', reason: 'owner_only' });
    // Deactivating someone else without user.manage is the adapter's refusal (403 before the
    // call: apps/dashboard/test/users.test.ts), like every permission.
    expect(await t.counts()).toEqual(before);

    await deactivateMembership({
      ctx: t.memberCtx(vendor.principal),
      input: { membershipId: vendor.membershipId },
    });
    expect((await t.auditActions(c.owner.tenantId)).at(-1)).toBe('membership.leave');
    // A deactivated member cannot be deactivated again (not found among active members).
    const twice = await failure(() =>
      deactivateMembership({
        ctx: t.memberCtx(admin.principal),
        input: { membershipId: vendor.membershipId },
      }),
    );
    expect(twice.code).toBe('NOT_FOUND');
  });
});

describe('tenants of a user', () => {
  it('lists active memberships and switches between them with a new session id', async () => {
    const a = await company('switchA');
    const b = await t.signUpOwner('switchB');
    await inviteUser({
      ctx: t.memberCtx(a.ownerPrincipal),
      input: { email: b.email, role: 'auditor' },
    });
    const token = await tokenFromMail(b.email, '/invitations/accept');
    const joined = await acceptInvitation({
      ctx: t.userCtx(await t.userOf(b.session.token)),
      input: { token },
    });
    const user = await t.userOf(joined.session.token);
    const list = await listTenants({ ctx: t.userCtx(user) });
    expect(list.map((x) => [x.tenantId, x.role, x.active]).sort()).toEqual(
      [
        [a.owner.tenantId, 'auditor', true],
        [b.tenantId, 'owner', false],
      ].sort(),
    );
    const switched = await switchTenant({ ctx: t.userCtx(user), input: { tenantId: b.tenantId } });
    expect(switched.session.token).not.toBe(joined.session.token);
    expect((await t.principalOf(switched.session.token)).role).toBe('owner');
    expect(
      (
        await authenticate({
          ctx: t.ctx(),
          input: { cookieHeader: cookieHeader(joined.session.token) },
        })
      ).user,
    ).toBeNull();
  });

  it('a user of tenant B cannot switch to tenant A (or to a tenant they left): NOT_FOUND, nothing written', async () => {
    const a = await company('fortA');
    const b = await t.signUpOwner('outsiderB');
    const user = await t.userOf(b.session.token);
    const before = await t.counts();
    for (const tenantId of [a.owner.tenantId, 'tnt_00000000000000000000', 'not-an-id', null]) {
      const f = await failure(() => switchTenant({ ctx: t.userCtx(user), input: { tenantId } }));
      expect(f.code).toBe('NOT_FOUND');
    }
    expect(await t.counts()).toEqual(before);
    // The session still works and still points at B.
    expect((await t.principalOf(b.session.token)).tenantId).toBe(b.tenantId);

    const member = await a.add('manager');
    await deactivateMembership({
      ctx: t.memberCtx(member.principal),
      input: { membershipId: member.membershipId },
    });
    const again = await login({ ctx: t.ctx(), input: { email: member.email, password: PASSWORD } });
    const leaver = await t.userOf(again.session.token);
    const left = await failure(() =>
      switchTenant({
        ctx: t.userCtx(leaver),
        input: { tenantId: a.owner.tenantId },
      }),
    );
    expect(left.code).toBe('NOT_FOUND');
  });
});
