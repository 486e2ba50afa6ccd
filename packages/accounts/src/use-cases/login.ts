import { DomainError } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { afterAnswer } from '../after-answer.js';
import type { AccountsContext } from '../deps.js';
import { DUMMY_PASSWORD_HASH } from '../password/scrypt.js';
import type { StartedSession } from '../sessions.js';
import {
  activeTenantIds,
  answerScope,
  auditForUser,
  findUserByEmail,
  userActor,
} from '../store.js';
import { loginThrottle, tooManyAttempts } from '../throttle.js';
import { hashToken, isTokenShape } from '../tokens.js';
import { EmailSchema, parseInput } from '../validation.js';

export const LoginInputSchema = z.object({
  email: EmailSchema,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(1024),
  /** The session token the browser already had, if any: it is replaced, never reused. */
  currentToken: z.string().nullish(),
});
export type LoginInput = z.input<typeof LoginInputSchema>;

export type LoginResult = {
  userId: string;
  activeTenantId: string | null;
  session: StartedSession;
};

/** The one answer for an unknown address, a wrong password and a disabled account. */
const invalidCredentials = () =>
  new DomainError('UNAUTHENTICATED', 'Email or password is incorrect.', {
    reason: 'invalid_credentials',
  });

/**
 * Email + password login. Each attempt is reserved against the address and the IP before any
 * password work (so parallel guesses cannot outrun the lock-out); an
 * unknown address runs the same scrypt verification against a dummy hash and counts against
 * the same limits, so neither the answer nor its cost says whether the address exists.
 * Failures and successes are audited in the user's tenants. A successful login always starts
 * a new session (a new id), replacing the one the browser had.
 */
export async function login({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: LoginInput;
}): Promise<LoginResult> {
  const data = parseInput(LoginInputSchema, input);
  const { db, passwords, sessions, redis } = ctx.deps;
  const throttle = loginThrottle(redis, ctx.deps.throttle);

  // Reserve the attempt first and decide on the returned counts: however many requests
  // arrive at once, at most `limit` of them get as far as scrypt.
  const gate = await throttle.reserve(data.email, ctx.ip);
  if (gate.refused.locked) throw tooManyAttempts(gate.refused.retryAfterSeconds);

  const user = await findUserByEmail(db, data.email);
  const usable = user !== null && user.passwordHash !== null && user.disabledAt === null;
  const ok = await passwords.verify(
    data.password,
    usable ? user.passwordHash! : DUMMY_PASSWORD_HASH,
  );

  if (!ok || !usable) {
    const verdict = gate.lockedIfWrong;
    if (user) {
      // After the answer: an unknown address has no entry to write, so writing it first made
      // a known address answer measurably slower.
      await afterAnswer(answerScope(ctx), 'failed-login audit', () =>
        db.transaction((tx) =>
          auditForUser(tx, ctx, user.id, {
            actor: { type: 'system', id: 'login' },
            action: 'auth.login_failed',
            target: { type: 'user', id: user.id },
            after: { ip: ctx.ip, locked: verdict.locked },
          }),
        ),
      );
    }
    if (verdict.locked) throw tooManyAttempts(verdict.retryAfterSeconds);
    throw invalidCredentials();
  }

  await throttle.succeed(data.email, ctx.ip);
  if (passwords.needsRehash(user.passwordHash!)) {
    // Parameters were raised since this hash was made: store it at today's cost.
    const rehashed = await passwords.hash(data.password);
    await db
      .update(schema.users)
      .set({ passwordHash: rehashed, updatedAt: ctx.deps.now() })
      .where(eq(schema.users.id, user.id));
  }
  const [activeTenantId = null] = await activeTenantIds(db, user.id);
  const oldSessionId = isTokenShape(data.currentToken) ? hashToken(data.currentToken) : null;
  const session = await sessions.rotate(oldSessionId, user.id, activeTenantId);
  await db.transaction((tx) =>
    auditForUser(tx, ctx, user.id, {
      actor: userActor(user.id),
      action: 'auth.login',
      target: { type: 'user', id: user.id },
      after: { ip: ctx.ip },
    }),
  );
  return { userId: user.id, activeTenantId, session };
}
