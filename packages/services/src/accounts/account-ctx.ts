import type {
  AccountsContext,
  AccountsDeps,
  OutgoingEmail,
  Principal,
  SessionUser,
} from '@anythingiot/accounts';
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

/**
 * Work whose duration must not show in the answer's timing (what only a known address causes):
 * in a Worker it runs after the response (`waitUntil`); elsewhere (tests, scripts) it is
 * awaited. A failure is logged, never changes the answer.
 */
export async function afterAnswer(
  ctx: AccountCtx,
  what: string,
  work: () => Promise<unknown>,
): Promise<void> {
  const run = work().catch((err) =>
    ctx.ports.warn(`${what} failed`, {
      requestId: ctx.requestId,
      error: err instanceof Error ? err.message : String(err),
    }),
  );
  if (ctx.waitUntil) ctx.waitUntil(run);
  else await run;
}

/** Sends an email whose failure must not change the answer: logged, reported as `false`. */
export async function sendQuietly(
  ctx: AccountCtx,
  email: OutgoingEmail,
  kind: string,
): Promise<boolean> {
  try {
    await ctx.ports.mailer(email);
    return true;
  } catch (err) {
    ctx.ports.warn('account email not sent', {
      kind,
      requestId: ctx.requestId,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
