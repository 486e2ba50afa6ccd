import { DomainError, type Role } from '@anythingiot/core';
import type { AccountsContext } from '../deps.js';
import type { SessionUser } from '../sessions.js';
import { activeMembership } from '../store.js';

/** A signed-in user acting in their active tenant: what every loader and action checks. */
export type Principal = SessionUser & {
  tenantId: string;
  membershipId: string;
  role: Role;
  facilityIds: string[];
};

export type Authentication = {
  /** Null when there is no valid session. */
  user: SessionUser | null;
  /** Null when signed out, or signed in without an active membership in the active tenant. */
  principal: Principal | null;
  /** The session token in use (after a rotation, the new one). */
  token: string | null;
  /** A `Set-Cookie` value the response must carry (extended, rotated or cleared session). */
  setCookie: string | null;
};

/**
 * Reads the session cookie of a request and resolves who is calling. The role and facilities
 * come from the membership row on every request, so a role change or deactivation applies to
 * the very next request; a session marked for rotation gets a new id here.
 */
export async function authenticate({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { cookieHeader: string | null };
}): Promise<Authentication> {
  const { sessions } = ctx.deps;
  const token = sessions.readToken(input.cookieHeader);
  if (token === null) return { user: null, principal: null, token: null, setCookie: null };
  const validated = await sessions.validate(token);
  if (!validated) {
    return { user: null, principal: null, token: null, setCookie: sessions.blankCookie() };
  }
  const { user } = validated;
  const membership = user.activeTenantId
    ? await activeMembership(ctx.deps.db, user.userId, user.activeTenantId)
    : null;
  return {
    user,
    principal: membership ? { ...user, ...membership } : null,
    token: validated.token,
    setCookie: validated.setCookie,
  };
}

/** The signed-in user, or UNAUTHENTICATED (401). */
export function requireUser(auth: Authentication): SessionUser {
  if (!auth.user)
    throw new DomainError('UNAUTHENTICATED', 'Please log in.', { reason: 'no_session' });
  return auth.user;
}

/** The principal in the active tenant, or UNAUTHENTICATED (401) / NOT_FOUND (no membership). */
export function requirePrincipal(auth: Authentication): Principal {
  requireUser(auth);
  if (!auth.principal) {
    throw new DomainError('NOT_FOUND', 'Choose a company to continue.', { reason: 'no_tenant' });
  }
  return auth.principal;
}
