import {
  type AccountsContext,
  type AccountsDeps,
  type AnswerScope,
  type OutgoingEmail,
  type Principal,
  afterAnswer as runAfterAnswer,
  type SessionUser,
  sendQuietly as sendMailQuietly,
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

/** Where work beside the answer logs, and the runtime's `waitUntil`. */
const answerScope = (ctx: AccountCtx): AnswerScope => ({
  requestId: ctx.requestId,
  warn: ctx.ports.warn,
  ...(ctx.waitUntil ? { waitUntil: ctx.waitUntil } : {}),
});

/**
 * Work whose duration must not show in the answer's timing (what only a known address causes):
 * after the response in a Worker, awaited elsewhere; a failure is logged (accounts' `afterAnswer`).
 */
export const afterAnswer = (ctx: AccountCtx, what: string, work: () => Promise<unknown>) =>
  runAfterAnswer(answerScope(ctx), what, work);

/** Sends an email whose failure must not change the answer: logged, reported as `false`. */
export const sendQuietly = (ctx: AccountCtx, email: OutgoingEmail, kind: string) =>
  sendMailQuietly(answerScope(ctx), ctx.ports.mailer, email, kind);
