import { DomainError } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AccountsContext } from '../deps.js';
import type { SessionUser } from '../sessions.js';
import { auditForUser, userActor } from '../store.js';
import { parseInput } from '../validation.js';

export const UpdateProfileInputSchema = z.object({
  name: z
    .string({ error: 'Enter your name.' })
    .trim()
    .min(1, 'Enter your name.')
    .max(100, 'Use at most 100 characters.'),
});

/**
 * Changes the signed-in user's own display name (the only profile field so far); audited with
 * before and after in every tenant the user belongs to, since each of them shows the name.
 */
export async function updateProfile({
  ctx,
  user,
  input,
}: {
  ctx: AccountsContext;
  user: SessionUser;
  input: { name: unknown };
}): Promise<{ changed: boolean }> {
  const { name } = parseInput(UpdateProfileInputSchema, input);
  const { users } = schema;
  return ctx.deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: users.name })
      .from(users)
      .where(eq(users.id, user.userId))
      .for('update');
    if (!before) throw new DomainError('UNAUTHENTICATED', 'Please log in.', { reason: 'no_user' });
    if (before.name === name) return { changed: false };
    await tx
      .update(users)
      .set({ name, updatedAt: ctx.deps.now() })
      .where(eq(users.id, user.userId));
    await auditForUser(tx, ctx, user.userId, {
      actor: userActor(user.userId),
      action: 'user.update',
      target: { type: 'user', id: user.userId },
      before: { name: before.name },
      after: { name },
    });
    return { changed: true };
  });
}
