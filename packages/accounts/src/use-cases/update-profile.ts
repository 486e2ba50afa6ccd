import { DomainError, TEMPERATURE_UNITS } from '@anythingiot/core';
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
  /** °C or °F for this person; empty follows the company's unit. */
  temperatureUnit: z
    .enum(['', ...TEMPERATURE_UNITS], { error: 'Choose °C, °F or the company default.' })
    .optional()
    .transform((unit) => (unit === '' ? null : unit)),
});

/**
 * Changes the signed-in user's own display name and, when given, their temperature unit (null
 * follows each company's); audited with before and after in every tenant the user belongs to,
 * since each of them shows the name.
 */
export async function updateProfile({
  ctx,
  user,
  input,
}: {
  ctx: AccountsContext;
  user: SessionUser;
  input: { name: unknown; temperatureUnit?: unknown };
}): Promise<{ changed: boolean }> {
  const { name, temperatureUnit } = parseInput(UpdateProfileInputSchema, input);
  const { users } = schema;
  return ctx.deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: users.name, temperatureUnit: users.temperatureUnit })
      .from(users)
      .where(eq(users.id, user.userId))
      .for('update');
    if (!before) throw new DomainError('UNAUTHENTICATED', 'Please log in.', { reason: 'no_user' });
    const after = {
      name,
      temperatureUnit: temperatureUnit === undefined ? before.temperatureUnit : temperatureUnit,
    };
    if (before.name === after.name && before.temperatureUnit === after.temperatureUnit) {
      return { changed: false };
    }
    await tx
      .update(users)
      .set({ ...after, updatedAt: ctx.deps.now() })
      .where(eq(users.id, user.userId));
    await auditForUser(tx, ctx, user.userId, {
      actor: userActor(user.userId),
      action: 'user.update',
      target: { type: 'user', id: user.userId },
      before,
      after,
    });
    return { changed: true };
  });
}
