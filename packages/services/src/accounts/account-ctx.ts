import type { AccountsContext, AccountsDeps, Principal, SessionUser } from '@anythingiot/accounts';
import type { Actor } from '@anythingiot/core';
import type { Database } from '@anythingiot/db';

/** What the account use cases reach outside themselves (sessions, mail, throttles, clock). */
export type AccountPorts = Omit<AccountsDeps, 'db'>;

/**
 * A request to the accounts side, signed in or not: where it comes from (the client IP, for
 * throttles and the audit log) and the ports. Work whose duration must not show in the answer
 * goes to `waitUntil` when the runtime has one.
 */
export type AccountCtx = {
  requestId: string | null;
  ip: string;
  db: Database;
  ports: AccountPorts;
  waitUntil?: (work: Promise<unknown>) => void;
};

/** A signed-in user acting for themselves: the user comes from the session, never the input. */
export type UserCtx = AccountCtx & { user: SessionUser };

/** A signed-in user in their active company (session + active membership). */
export type PrincipalCtx = AccountCtx & { user: Principal };

/** The adapters' accounts context, as the account use cases take it. */
export function accountCtx(ctx: AccountsContext): AccountCtx {
  return {
    requestId: ctx.requestId,
    ip: ctx.ip,
    db: ctx.deps.db,
    ports: ctx.deps,
    ...(ctx.waitUntil ? { waitUntil: ctx.waitUntil } : {}),
  };
}

/** The audit metadata of a user acting for themselves. */
export const userMeta = (ctx: UserCtx): { actor: Actor; requestId: string | null; at: Date } => ({
  actor: { type: 'user', id: ctx.user.userId },
  requestId: ctx.requestId,
  at: ctx.ports.now(),
});
