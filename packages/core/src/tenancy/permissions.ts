import { DomainError } from '../errors/domain-error.js';
import { ROLES, type Role } from './roles.js';

/**
 * Everything a member can be allowed to do, as a closed list: a loader or action names one of
 * these and the server checks it, so a role can never do something nobody wrote down.
 */
export const ACTIONS = [
  'facility.read',
  'facility.write',
  'device.read',
  'device.write',
  'device.rotate',
  'device.revoke',
  'device.command',
  'user.read',
  'user.invite',
  'user.manage',
  'api_key.manage',
  'alert.read',
  'alert.acknowledge',
  'alert.resolve',
  'alert_rule.manage',
  'notification.manage',
  'audit.read',
  'report.read',
  'report.sign',
  'tenant.manage',
  'tenant.billing',
] as const;
export type Action = (typeof ACTIONS)[number];

const EVERYONE = ROLES;
const STAFF = ['owner', 'admin', 'manager'] as const satisfies readonly Role[];
const ADMINS = ['owner', 'admin'] as const satisfies readonly Role[];

/**
 * Which roles may do what. Owners do everything; admins everything but billing; managers run
 * operations (devices, alerts, rules, reports) but not people or keys; operators watch, handle
 * alerts and send devices commands; auditors read everything including the audit log and change
 * nothing; vendors (service partners) read, service and command devices and acknowledge alerts
 * at their facilities.
 */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'facility.read': EVERYONE,
  'facility.write': ADMINS,
  'device.read': EVERYONE,
  'device.write': [...STAFF, 'vendor'],
  'device.rotate': [...STAFF, 'vendor'],
  'device.revoke': STAFF,
  // Operators send commands (a ping, a new report interval) to the devices they watch; vendors
  // service devices and may already reconfigure them (device.write), so they may too. Auditors
  // change nothing, commands included.
  'device.command': [...STAFF, 'operator', 'vendor'],
  'user.read': [...ADMINS, 'manager', 'auditor'],
  'user.invite': ADMINS,
  'user.manage': ADMINS,
  'api_key.manage': ADMINS,
  'alert.read': EVERYONE,
  'alert.acknowledge': [...STAFF, 'operator', 'vendor'],
  'alert.resolve': [...STAFF, 'operator'],
  'alert_rule.manage': STAFF,
  'notification.manage': STAFF,
  'audit.read': [...ADMINS, 'auditor'],
  'report.read': [...STAFF, 'operator', 'auditor'],
  'report.sign': STAFF,
  'tenant.manage': ADMINS,
  'tenant.billing': ['owner'],
};

/** Roles that see only the facilities listed on their membership; the others see all. */
export const FACILITY_LIMITED_ROLES = ['operator', 'vendor'] as const satisfies readonly Role[];

/** What the permission checks need to know about a member. */
export type MemberScope = { role: Role; facilityIds: readonly string[] };

/** True when `role` may perform `action` (facility limits are checked separately). */
export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[action].includes(role);
}

/** True when the role is limited to its assigned facilities. */
export function isFacilityLimited(role: Role): boolean {
  return (FACILITY_LIMITED_ROLES as readonly Role[]).includes(role);
}

/** True when the member may see the facility: unlimited roles see all, limited ones theirs. */
export function canSeeFacility(member: MemberScope, facilityId: string): boolean {
  return !isFacilityLimited(member.role) || member.facilityIds.includes(facilityId);
}

/**
 * Throws FORBIDDEN when the role may not perform the action, and NOT_FOUND when a facility is
 * named that the member may not see — a facility outside one's scope answers exactly like one
 * that does not exist, so its id reveals nothing.
 */
export function authorize(member: MemberScope, action: Action, facilityId?: string): void {
  if (!can(member.role, action)) {
    throw new DomainError('FORBIDDEN', `Your role (${member.role}) may not ${action}.`, {
      reason: 'missing_permission',
    });
  }
  if (facilityId !== undefined && !canSeeFacility(member, facilityId)) {
    throw new DomainError('NOT_FOUND', 'Facility not found.', { reason: 'facility_not_found' });
  }
}

/** The facility ids a query should filter by, or null for "every facility of the tenant". */
export function facilityFilter(member: MemberScope): readonly string[] | null {
  return isFacilityLimited(member.role) ? member.facilityIds : null;
}

/**
 * A change to someone's membership: `from` is their current role (null when inviting someone
 * new), `to` the new role (null when deactivating or leaving).
 */
export type MembershipChange = {
  actor: Role;
  /** The actor is changing their own membership (leaving, or stepping down). */
  self: boolean;
  from: Role | null;
  to: Role | null;
  /** Active owners of the tenant right now, the target included. */
  activeOwners: number;
};

/**
 * The rules every role change, invitation, deactivation and departure obeys:
 * only owners grant, change or remove the owner role (so an admin can never demote an owner);
 * other changes need `user.manage` (`user.invite` for invitations), except leaving oneself;
 * and the last active owner can neither leave nor be demoted, so a tenant always has one.
 */
export function assertMembershipChange(change: MembershipChange): void {
  const { actor, self, from, to } = change;
  const leaving = self && to === null;
  const needed: Action = from === null ? 'user.invite' : 'user.manage';
  if (!leaving && !can(actor, needed)) {
    throw new DomainError('FORBIDDEN', `Your role (${actor}) may not ${needed}.`, {
      reason: 'missing_permission',
    });
  }
  const touchesOwner = from === 'owner' || to === 'owner';
  if (touchesOwner && actor !== 'owner') {
    throw new DomainError(
      'FORBIDDEN',
      'Only an owner can grant, change or remove the owner role.',
      {
        reason: 'owner_only',
      },
    );
  }
  if (from === 'owner' && to !== 'owner' && change.activeOwners <= 1) {
    throw new DomainError(
      'CONFLICT',
      'This is the last owner of the company. Make someone else an owner first.',
      { reason: 'last_owner' },
    );
  }
}

/**
 * Field errors for the facilities given with a role: a limited role needs at least one (it
 * would see nothing otherwise), and an unlimited role takes none (it sees every facility, and
 * silently ignoring a list would mislead whoever sent it).
 */
export function facilityScopeErrors(
  role: Role,
  facilityIds: readonly string[],
): { path: string; message: string }[] {
  if (isFacilityLimited(role) && facilityIds.length === 0) {
    return [{ path: 'facilityIds', message: `A ${role} must be given at least one facility.` }];
  }
  if (!isFacilityLimited(role) && facilityIds.length > 0) {
    return [{ path: 'facilityIds', message: `A ${role} sees every facility; give no list.` }];
  }
  return [];
}
