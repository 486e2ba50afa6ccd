import type { Actor } from '@anythingiot/core';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { accountTokens, sessions, users } from '../schema/index.js';
import { auditForUser } from './users.js';

type Purpose = 'email_verification' | 'password_reset';
type Meta = { requestId: string | null; at: Date; ip: string };

const userActor = (id: string): Actor => ({ type: 'user', id });

/** Thrown inside a transaction to roll it back (the token stays unused) and answer undefined. */
class Unusable extends Error {}

async function unlessUnusable<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Unusable) return undefined;
    throw err;
  }
}

/** A token that is still usable: this hash and purpose, unused, unexpired. */
const live = (tokenHash: string, purpose: Purpose, at: Date) =>
  and(
    eq(accountTokens.tokenHash, tokenHash),
    eq(accountTokens.purpose, purpose),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, at),
  );

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Marks a live token used and answers whom it was for; Unusable (a rollback) if it is not live. */
async function consume(tx: Tx, tokenHash: string, purpose: Purpose, at: Date) {
  const [used] = await tx
    .update(accountTokens)
    .set({ usedAt: at, updatedAt: at })
    .where(live(tokenHash, purpose, at))
    .returning({ userId: accountTokens.userId, email: accountTokens.email });
  if (!used) throw new Unusable();
  return used;
}

/**
 * The single-use tokens mailed for verification and password reset (only their SHA-256 is
 * stored). Each is consumed by a conditional update, so it works exactly once even under
 * concurrency, and only while the account still has the address it was sent to.
 */
export const accountTokenRepo = (db: Database) => ({
  /** Stores a new token for the user; earlier unused ones of the purpose stop working. */
  issue(token: {
    userId: string;
    email: string;
    purpose: Purpose;
    tokenHash: string;
    expiresAt: Date;
  }): Promise<void> {
    return db.transaction(async (tx) => {
      await tx
        .delete(accountTokens)
        .where(
          and(
            eq(accountTokens.userId, token.userId),
            eq(accountTokens.purpose, token.purpose),
            isNull(accountTokens.usedAt),
          ),
        );
      await tx.insert(accountTokens).values(token);
    });
  },

  /** Consumes a verification token and marks the address verified, audited; undefined if unusable. */
  verifyEmail(
    tokenHash: string,
    meta: Meta,
  ): Promise<{ userId: string; email: string } | undefined> {
    const { at } = meta;
    return unlessUnusable(
      db.transaction(async (tx) => {
        const used = await consume(tx, tokenHash, 'email_verification', at);
        const [user] = await tx
          .update(users)
          .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${at})`, updatedAt: at })
          .where(and(eq(users.id, used.userId), sql`lower(${users.email}) = ${used.email}`))
          .returning({ id: users.id, email: users.email });
        // The address changed since the link was sent: refused, the token left as it was.
        if (!user) throw new Unusable();
        await auditForUser(tx, user.id, {
          actor: userActor(user.id),
          action: 'user.email_verify',
          target: { type: 'user', id: user.id },
          after: { email: user.email },
          requestId: meta.requestId,
          at,
        });
        return { userId: user.id, email: user.email };
      }),
    );
  },

  /** The address a usable reset token was sent to (to check the new password against it). */
  async resetAddress(tokenHash: string, at: Date): Promise<string | undefined> {
    const [row] = await db
      .select({ email: accountTokens.email })
      .from(accountTokens)
      .where(live(tokenHash, 'password_reset', at));
    return row?.email;
  },

  /**
   * Consumes a reset token and sets the new password hash: the address counts as verified
   * (the link proved it), the user's other reset links and every session end, audited.
   */
  resetPassword(
    tokenHash: string,
    passwordHash: string,
    meta: Meta,
  ): Promise<{ id: string; email: string } | undefined> {
    const { at } = meta;
    return unlessUnusable(
      db.transaction(async (tx) => {
        const used = await consume(tx, tokenHash, 'password_reset', at);
        const [changed] = await tx
          .update(users)
          .set({
            passwordHash,
            emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${at})`,
            updatedAt: at,
          })
          .where(and(eq(users.id, used.userId), sql`lower(${users.email}) = ${used.email}`))
          .returning({ id: users.id, email: users.email });
        if (!changed) throw new Unusable();
        await tx
          .delete(accountTokens)
          .where(
            and(
              eq(accountTokens.userId, changed.id),
              eq(accountTokens.purpose, 'password_reset'),
              isNull(accountTokens.usedAt),
            ),
          );
        await tx.delete(sessions).where(eq(sessions.userId, changed.id));
        await auditForUser(tx, changed.id, {
          actor: userActor(changed.id),
          action: 'user.password_reset',
          target: { type: 'user', id: changed.id },
          after: { ip: meta.ip, sessionsEnded: true },
          requestId: meta.requestId,
          at,
        });
        return changed;
      }),
    );
  },
});
