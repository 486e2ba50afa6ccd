import { INDUSTRIES, newId, TEMPERATURE_UNITS } from '@anythingiot/core';
import { isUniqueViolation, schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { afterAnswer, sendQuietly } from '../after-answer.js';
import type { AccountsContext } from '../deps.js';
import { accountLink } from '../links.js';
import { renderSignUpAttempt, renderVerifyEmail } from '../mail/templates.js';
import {
  answerScope,
  audit,
  findUserByEmail,
  insertMembership,
  type Tx,
  userActor,
} from '../store.js';
import { reserveSignUp } from '../throttle.js';
import { newToken } from '../tokens.js';
import { EmailSchema, parseInput, passwordRule, TimeZoneSchema } from '../validation.js';

export const EMAIL_VERIFICATION_HOURS = 48;

export const SignUpInputSchema = z.object({
  email: EmailSchema,
  password: z.string({ error: 'Choose a password.' }),
  name: z.string().trim().max(100, 'Use at most 100 characters.').default(''),
  companyName: z
    .string({ error: 'Enter your company name.' })
    .trim()
    .min(1, 'Enter your company name.')
    .max(100, 'Use at most 100 characters.'),
  industry: z.enum(INDUSTRIES, { error: 'Choose pharma, food, chemical or other.' }),
  timeZone: TimeZoneSchema,
  temperatureUnit: z.enum(TEMPERATURE_UNITS, { error: 'Choose °C (C) or °F (F).' }),
});
export type SignUpInput = z.input<typeof SignUpInputSchema>;

/**
 * The one answer of a sign-up, whether the address was new or already had an account: "we
 * sent a link to this address". Nothing in it (no session, no ids) differs between the two.
 */
export type SignUpResult = { email: string };

/**
 * Creates the company (tenant), its first user as owner, and an email-verification token, in
 * one transaction with their audit entries, and mails the link; the person then logs in. An
 * address that already has an account gets the same answer and cost (its password is hashed
 * too) and its owner a "someone tried to sign up with your address" email instead, so the
 * form cannot be used to learn who has an account. Throttled per IP before any work.
 */
export async function signUp({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: SignUpInput;
}): Promise<SignUpResult> {
  const data = parseInput(SignUpInputSchema, input, passwordRule());
  const { db, passwords, mailer, now } = ctx.deps;
  await reserveSignUp(ctx.deps.redis, ctx.deps.signUpThrottle, ctx.ip);
  const answer: SignUpResult = { email: data.email };
  const existing = await findUserByEmail(db, data.email);
  const passwordHash = await passwords.hash(data.password);
  if (existing) {
    await tellOwner(ctx, data.email);
    return answer;
  }
  const verification = newToken();
  const at = now();

  try {
    await db.transaction(async (tx) => {
      const userId = newId('user');
      const tenantId = newId('tenant');
      const slug = await freeSlug(tx, data.companyName);
      const tenant = {
        name: data.companyName,
        slug,
        industry: data.industry,
        timeZone: data.timeZone,
        temperatureUnit: data.temperatureUnit,
      };
      await tx
        .insert(schema.users)
        .values({ id: userId, email: data.email, name: data.name, passwordHash });
      await tx.insert(schema.tenants).values({ id: tenantId, ...tenant });
      const membershipId = await insertMembership(tx, tenantId, userId, 'owner');
      await tx.insert(schema.accountTokens).values({
        tokenHash: verification.hash,
        purpose: 'email_verification',
        userId,
        email: data.email,
        expiresAt: new Date(at.getTime() + EMAIL_VERIFICATION_HOURS * 3_600_000),
      });
      const actor = userActor(userId);
      await audit(tx, ctx, tenantId, {
        actor,
        action: 'tenant.create',
        target: { type: 'tenant', id: tenantId },
        after: tenant,
      });
      await audit(tx, ctx, tenantId, {
        actor,
        action: 'user.create',
        target: { type: 'user', id: userId },
        after: { email: data.email, name: data.name },
      });
      await audit(tx, ctx, tenantId, {
        actor,
        action: 'membership.create',
        target: { type: 'membership', id: membershipId },
        after: { userId, role: 'owner', facilityIds: [] },
      });
    });
  } catch (err) {
    // Two sign-ups with one address at the same moment: the index decides; the loser gets the
    // same answer as any taken address.
    if (isUniqueViolation(err, 'users_email_idx')) {
      await tellOwner(ctx, data.email);
      return answer;
    }
    throw err;
  }
  await afterAnswer(answerScope(ctx), 'verification email', () =>
    sendQuietly(
      answerScope(ctx),
      mailer,
      {
        to: data.email,
        ...renderVerifyEmail({
          link: accountLink(ctx.deps.appUrl, 'verifyEmail', verification.token),
          hours: EMAIL_VERIFICATION_HOURS,
        }),
      },
      'email_verification',
    ),
  );
  return answer;
}

/** The address's owner, not the caller, learns that it already has an account. */
function tellOwner(ctx: AccountsContext, email: string): Promise<void> {
  const login = new URL(ctx.deps.appUrl);
  login.pathname = `${login.pathname.replace(/\/+$/, '')}/login`;
  return afterAnswer(answerScope(ctx), 'sign-up attempt email', () =>
    sendQuietly(
      answerScope(ctx),
      ctx.deps.mailer,
      { to: email, ...renderSignUpAttempt({ link: login.toString() }) },
      'signup_attempt',
    ),
  );
}

/** `Acme Cold Storage GmbH` → `acme-cold-storage-gmbh`, with a random suffix when taken. */
async function freeSlug(tx: Tx, companyName: string): Promise<string> {
  const base =
    companyName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/g, '') || 'company';
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${newId('tenant').slice(4, 10)}`;
    const [taken] = await tx
      .select({ id: schema.tenants.id })
      .from(schema.tenants)
      .where(eq(schema.tenants.slug, slug));
    if (!taken) return slug;
  }
}
