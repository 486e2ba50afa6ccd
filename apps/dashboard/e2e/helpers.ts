import { randomBytes } from 'node:crypto';
import { scryptHasher } from '@anythingiot/accounts';
import { newId, parseKeyring, RULE_PRESETS, validateAlertRule } from '@anythingiot/core';
import { type Database, schema } from '@anythingiot/db';
import { createNodeDb } from '@anythingiot/db/node';
import { createAlertRule, type TenantCtx } from '@anythingiot/services';
import { expect, type Page } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { stackInfo } from './stack-info';

export const PASSWORD = 'correct horse battery staple';

/** An address no other test (or earlier run against the same stack) uses. */
export function uniqueEmail(label: string): string {
  return `${label.toLowerCase()}-${randomBytes(4).toString('hex')}@e2e.anythingiot.test`;
}

type CaughtEmail = { payload: { subject?: string; text?: string; html?: string } };

/** The emails to `to` in the devstack's catcher, newest first. */
async function mailsTo(to: string): Promise<CaughtEmail[]> {
  const url = new URL('/api/messages', stackInfo().catcherUrl);
  url.searchParams.set('kind', 'email');
  url.searchParams.set('to', to);
  const res = await fetch(url);
  return ((await res.json()) as { data: CaughtEmail[] }).data;
}

/** The newest email to `to` in the devstack's catcher, waiting for it to arrive. */
export async function latestMail(to: string): Promise<CaughtEmail> {
  let mail: CaughtEmail | undefined;
  await expect
    .poll(async () => {
      mail = (await mailsTo(to))[0];
      return mail !== undefined;
    })
    .toBe(true);
  return mail!;
}

/**
 * The link to `path` in the newest email to `to` that carries one, as the recipient would
 * click it, waiting for it to arrive: an earlier email (the sign-up's verification) may be the
 * newest until then.
 */
export async function linkFromMail(to: string, path: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"]+${path}\\?token=[A-Za-z0-9_-]+`);
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const mails = await mailsTo(to);
        link = mails.map((m) => pattern.exec(m.payload.text ?? '')?.[0]).find(Boolean);
        return link !== undefined;
      },
      { message: `a ${path} link in an email to ${to}` },
    )
    .toBe(true);
  return link!;
}

export type Company = { email: string; companyName: string };

/**
 * Signs up a new company through the form, as its owner, then logs in (sign-up itself answers
 * "check your inbox", the same for a taken address); ends on the overview.
 */
export async function signUp(page: Page, label: string): Promise<Company> {
  const email = uniqueEmail(label);
  const companyName = `${label} ${randomBytes(2).toString('hex')} GmbH`;
  await page.goto('/signup');
  await page.getByLabel('Company name').fill(companyName);
  await page.getByLabel('Industry').selectOption('pharma');
  await page.getByLabel('Your name').fill(`${label} Owner`);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Time zone').fill('Europe/Berlin');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status')).toContainText(`We sent an email to ${email}`);
  await logIn(page, email);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  return { email, companyName };
}

/** Logs in through the form. */
export async function logIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * A signed-up company's owner as a use-case context, found by the company name and email the
 * test chose: to set up through the dashboard's own use cases what a spec does not click
 * through (facilities, devices, rules). Close it when done.
 */
export async function ownerContext(company: Company, requestId: string) {
  const { env } = stackInfo();
  const handle = createNodeDb(env);
  const [tenant] = await handle.db
    .select({ id: schema.tenants.id })
    .from(schema.tenants)
    .where(eq(schema.tenants.name, company.companyName));
  const [owner] = await handle.db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(eq(schema.users.email, company.email));
  if (!tenant || !owner) throw new Error('the signed-up company is not in the database');
  const ctx: TenantCtx = {
    tenantId: tenant.id,
    actor: { type: 'user', id: owner.id },
    scopes: [],
    facilityIds: null,
    requestId,
    db: handle.db,
    ports: {
      keyring: () => parseKeyring(env.SECRETS_KEYRING!),
      now: () => Date.now(),
      offlineFactor: Number(env.OFFLINE_AFTER_INTERVALS ?? 3),
    },
  };
  return { ctx, db: handle.db, tenantId: tenant.id, close: () => handle.close() };
}

/**
 * An operator of the owner's company who sees only `facilityId` (as an accepted invitation
 * makes), logging in with PASSWORD; returns the address.
 */
export async function addOperator(
  owner: { db: Database; tenantId: string },
  name: string,
  facilityId: string,
): Promise<string> {
  const { db, tenantId } = owner;
  const userId = newId('user');
  const email = uniqueEmail('operator');
  await db.insert(schema.users).values({
    id: userId,
    email,
    name,
    passwordHash: await scryptHasher().hash(PASSWORD),
    emailVerifiedAt: new Date(),
  });
  const membershipId = newId('membership');
  await db
    .insert(schema.memberships)
    .values({ id: membershipId, tenantId, userId, role: 'operator' });
  await db.insert(schema.membershipFacilities).values({ tenantId, membershipId, facilityId });
  return email;
}

/** The pharma 2–8 °C preset (15 min, critical) as the device's own rule, through the use case. */
export async function pharmaRule(ctx: TenantCtx, deviceId: string) {
  const preset = RULE_PRESETS.find((p) => p.id === 'pharma_refrigerated')!;
  return createAlertRule({
    ctx,
    input: {
      rule: validateAlertRule({ ...preset.rule, scope: { kind: 'device', deviceId } }),
      presetId: preset.id,
    },
  });
}
