import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors/domain-error.js';
import {
  ACTIONS,
  type Action,
  assertMembershipChange,
  authorize,
  can,
  canSeeFacility,
  facilityFilter,
  facilityScopeErrors,
  isFacilityLimited,
  type MembershipChange,
} from './permissions.js';
import { ROLES, type Role } from './roles.js';

// The matrix written out by hand, one row per action, one column per role in ROLES order.
// Changing PERMISSIONS without changing this table fails the test on purpose.
//                                 owner admin manager operator auditor vendor
// biome-ignore format: the table is aligned by hand
const EXPECTED: Record<Action, string> = {
  'facility.read': /*         */ 'Y     Y     Y       Y        Y       Y',
  'facility.write': /*        */ 'Y     Y     -       -        -       -',
  'device.read': /*           */ 'Y     Y     Y       Y        Y       Y',
  'device.write': /*          */ 'Y     Y     Y       -        -       Y',
  'device.rotate': /*         */ 'Y     Y     Y       -        -       Y',
  'device.revoke': /*         */ 'Y     Y     Y       -        -       -',
  'device.command': /*        */ 'Y     Y     Y       Y        -       Y',
  'user.read': /*             */ 'Y     Y     Y       -        Y       -',
  'user.invite': /*           */ 'Y     Y     -       -        -       -',
  'user.manage': /*           */ 'Y     Y     -       -        -       -',
  'api_key.manage': /*        */ 'Y     Y     -       -        -       -',
  'alert.read': /*            */ 'Y     Y     Y       Y        Y       Y',
  'alert.acknowledge': /*     */ 'Y     Y     Y       Y        -       Y',
  'alert.resolve': /*         */ 'Y     Y     Y       Y        -       -',
  'alert_rule.manage': /*     */ 'Y     Y     Y       -        -       -',
  'notification.manage': /*   */ 'Y     Y     Y       -        -       -',
  'audit.read': /*            */ 'Y     Y     -       -        Y       -',
  'report.read': /*           */ 'Y     Y     Y       Y        Y       -',
  'report.sign': /*           */ 'Y     Y     Y       -        -       -',
  'tenant.manage': /*         */ 'Y     Y     -       -        -       -',
  'tenant.billing': /*        */ 'Y     -     -       -        -       -',
};

const expected = (action: Action): Record<Role, boolean> => {
  const cells = EXPECTED[action].split(/\s+/);
  return Object.fromEntries(ROLES.map((role, i) => [role, cells[i] === 'Y'])) as Record<
    Role,
    boolean
  >;
};

const cases = ACTIONS.flatMap((action) =>
  ROLES.map((role) => ({ action, role, allowed: expected(action)[role] })),
);

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return `${err.code}:${err.details.reason}`;
  }
}

describe('permission matrix', () => {
  it('the table above covers exactly the closed list of actions, six roles each', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
    for (const action of ACTIONS) expect(EXPECTED[action].split(/\s+/)).toHaveLength(ROLES.length);
    expect(ROLES).toEqual(['owner', 'admin', 'manager', 'operator', 'auditor', 'vendor']);
  });

  it.each(cases)('$role may $action: $allowed', ({ action, role, allowed }) => {
    expect(can(role, action)).toBe(allowed);
    expect(codeOf(() => authorize({ role, facilityIds: ['fac_a'] }, action))).toBe(
      allowed ? undefined : 'FORBIDDEN:missing_permission',
    );
  });

  it('the auditor changes nothing: every action it holds is a read', () => {
    const held = ACTIONS.filter((a) => can('auditor', a));
    expect(held).toEqual([
      'facility.read',
      'device.read',
      'user.read',
      'alert.read',
      'audit.read',
      'report.read',
    ]);
  });
});

describe('facility scope', () => {
  it.each(ROLES)('%s: limited only for operator and vendor', (role) => {
    const limited = role === 'operator' || role === 'vendor';
    expect(isFacilityLimited(role)).toBe(limited);
    const member = { role, facilityIds: ['fac_a'] };
    expect(canSeeFacility(member, 'fac_a')).toBe(true);
    expect(canSeeFacility(member, 'fac_b')).toBe(!limited);
    expect(canSeeFacility({ role, facilityIds: [] }, 'fac_a')).toBe(!limited);
    expect(facilityFilter(member)).toEqual(limited ? ['fac_a'] : null);
  });

  it('another facility answers NOT_FOUND for limited roles, the permission check comes first', () => {
    const vendor = { role: 'vendor' as const, facilityIds: ['fac_a'] };
    expect(codeOf(() => authorize(vendor, 'device.rotate', 'fac_a'))).toBeUndefined();
    expect(codeOf(() => authorize(vendor, 'device.rotate', 'fac_b'))).toBe(
      'NOT_FOUND:facility_not_found',
    );
    expect(codeOf(() => authorize(vendor, 'device.revoke', 'fac_a'))).toBe(
      'FORBIDDEN:missing_permission',
    );
    const manager = { role: 'manager' as const, facilityIds: [] };
    expect(codeOf(() => authorize(manager, 'device.revoke', 'fac_b'))).toBeUndefined();
  });

  it.each(ROLES)('%s: facilities required exactly when limited', (role) => {
    const limited = isFacilityLimited(role);
    expect(facilityScopeErrors(role, []).length).toBe(limited ? 1 : 0);
    expect(facilityScopeErrors(role, ['fac_a']).length).toBe(limited ? 0 : 1);
    for (const e of [...facilityScopeErrors(role, []), ...facilityScopeErrors(role, ['fac_a'])]) {
      expect(e.path).toBe('facilityIds');
    }
  });
});

describe('membership changes', () => {
  const change = (c: Partial<MembershipChange>) => () =>
    assertMembershipChange({
      actor: 'owner',
      self: false,
      from: 'operator',
      to: 'manager',
      activeOwners: 2,
      ...c,
    });

  it('an admin can never demote, deactivate or create an owner', () => {
    for (const to of [...ROLES.filter((r) => r !== 'owner'), null]) {
      expect(codeOf(change({ actor: 'admin', from: 'owner', to, activeOwners: 3 }))).toBe(
        'FORBIDDEN:owner_only',
      );
    }
    expect(codeOf(change({ actor: 'admin', from: 'admin', to: 'owner' }))).toBe(
      'FORBIDDEN:owner_only',
    );
    expect(codeOf(change({ actor: 'admin', from: null, to: 'owner' }))).toBe(
      'FORBIDDEN:owner_only',
    );
  });

  it('owners manage owners; admins manage every other role', () => {
    expect(codeOf(change({ actor: 'owner', from: 'owner', to: 'admin', activeOwners: 2 }))).toBe(
      undefined,
    );
    expect(codeOf(change({ actor: 'owner', from: 'admin', to: 'owner' }))).toBeUndefined();
    expect(codeOf(change({ actor: 'owner', from: null, to: 'owner' }))).toBeUndefined();
    for (const from of ROLES.filter((r) => r !== 'owner')) {
      for (const to of [...ROLES.filter((r) => r !== 'owner'), null]) {
        expect(codeOf(change({ actor: 'admin', from, to }))).toBeUndefined();
      }
    }
    expect(codeOf(change({ actor: 'admin', from: null, to: 'admin' }))).toBeUndefined();
  });

  it('roles without user.manage / user.invite are refused', () => {
    for (const actor of ['manager', 'operator', 'auditor', 'vendor'] as const) {
      expect(codeOf(change({ actor, from: 'operator', to: 'manager' }))).toBe(
        'FORBIDDEN:missing_permission',
      );
      expect(codeOf(change({ actor, from: null, to: 'operator' }))).toBe(
        'FORBIDDEN:missing_permission',
      );
      expect(codeOf(change({ actor, from: 'vendor', to: null }))).toBe(
        'FORBIDDEN:missing_permission',
      );
    }
  });

  it('anyone may leave, except the last owner', () => {
    for (const role of ROLES) {
      expect(codeOf(change({ actor: role, self: true, from: role, to: null }))).toBeUndefined();
    }
    expect(
      codeOf(change({ actor: 'owner', self: true, from: 'owner', to: null, activeOwners: 1 })),
    ).toBe('CONFLICT:last_owner');
  });

  it('the last owner can be neither demoted nor deactivated, even by themselves', () => {
    for (const to of [...ROLES.filter((r) => r !== 'owner'), null]) {
      expect(codeOf(change({ actor: 'owner', from: 'owner', to, activeOwners: 1 }))).toBe(
        'CONFLICT:last_owner',
      );
      expect(
        codeOf(change({ actor: 'owner', self: true, from: 'owner', to, activeOwners: 1 })),
      ).toBe('CONFLICT:last_owner');
    }
    expect(codeOf(change({ actor: 'owner', from: 'owner', to: 'owner', activeOwners: 1 }))).toBe(
      undefined,
    );
  });
});
