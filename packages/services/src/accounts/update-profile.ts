import { parseInput } from '@anythingiot/accounts';
import { DomainError, TEMPERATURE_UNITS } from '@anythingiot/core';
import { userRepo } from '@anythingiot/db';
import { z } from 'zod';
import { type UserCtx, userMeta } from './account-ctx.js';

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
  input,
}: {
  ctx: UserCtx;
  input: { name: unknown; temperatureUnit?: unknown };
}): Promise<{ changed: boolean }> {
  const { name, temperatureUnit } = parseInput(UpdateProfileInputSchema, input);
  const result = await userRepo(ctx.db, ctx.user.userId).updateProfile(
    { name, temperatureUnit },
    userMeta(ctx),
  );
  if (!result) throw new DomainError('UNAUTHENTICATED', 'Please log in.', { reason: 'no_user' });
  return result;
}
