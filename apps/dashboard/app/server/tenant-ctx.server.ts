import { API_KEY_SCOPES, can, facilityFilter } from '@anythingiot/core';
import type { MemberCtx, TenantCtx } from '@anythingiot/services';
import type { Member } from './guard.server';

/**
 * The use-case context for a signed-in member: tenant, actor and facility scope come from the
 * session's membership (never from the request). A member who may manage API keys may grant
 * any scope; nobody else can create keys at all, so they hold none.
 */
export function tenantCtx({ principal, app }: Member): TenantCtx {
  return {
    tenantId: principal.tenantId,
    actor: { type: 'user', id: principal.userId },
    scopes: can(principal.role, 'api_key.manage') ? API_KEY_SCOPES : [],
    facilityIds: facilityFilter(principal),
    requestId: app.requestId,
    db: app.db(),
    ports: {
      keyring: app.keyring,
      now: () => Date.now(),
      offlineFactor: app.env.OFFLINE_AFTER_INTERVALS,
      // Rotations and revocations purge what ingest cached, in the Redis the api reads.
      redis: app.accounts().deps.redis,
      log: (event) => console.log(JSON.stringify(event)),
      ...(app.live ? { live: app.live } : {}),
      ...(app.downlink ? { downlink: app.downlink } : {}),
      commands: app.commands(),
    },
  };
}

/**
 * The context of the member use cases (people and invitations): the tenant context plus the
 * member's role and membership, and the mail ports the invitation email needs.
 */
export function memberCtx(member: Member): MemberCtx {
  const { principal, app } = member;
  const tenant = tenantCtx(member);
  const { mailer, warn } = app.accounts().deps;
  return {
    ...tenant,
    member: {
      userId: principal.userId,
      membershipId: principal.membershipId,
      role: principal.role,
      name: principal.name,
      email: principal.email,
    },
    ports: { ...tenant.ports, mailer, appUrl: app.env.APP_URL, warn },
  };
}
