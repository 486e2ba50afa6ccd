import { type Browser, expect, type Page, test } from '@playwright/test';
import { latestMail, linkFromMail, logIn, PASSWORD, signUp, uniqueEmail } from './helpers';
import { stackInfo } from './stack-info';

const SCREENS = 'test-results/screens';

async function mailCount(to: string): Promise<number> {
  const url = new URL('/api/messages', stackInfo().catcherUrl);
  url.searchParams.set('to', to);
  return ((await (await fetch(url)).json()) as { data: unknown[] }).data.length;
}

/** The owner invites `email` as `role` from the users page; the invitation is listed as pending. */
async function invite(page: Page, email: string, roleLabel: string) {
  await page.goto('/settings/users');
  const form = page.locator('form', { has: page.getByRole('button', { name: 'Send invitation' }) });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption({ label: roleLabel });
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('main').getByRole('status')).toContainText(
    `Invitation sent to ${email}.`,
  );
  await expect(page.getByTestId('invitation-row').filter({ hasText: email })).toBeVisible();
}

/** The invitee opens the emailed link in their own browser and creates their account. */
async function acceptAsNewAccount(browser: Browser, email: string, name: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(await linkFromMail(email, '/invitations/accept'));
  await expect(page.getByText(`with the address ${email}`)).toBeVisible();
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  return { context, page };
}

test('an owner invites a manager by email; the invitee creates an account and lands in the company as manager', async ({
  page,
  browser,
}) => {
  const { companyName } = await signUp(page, 'People');
  const email = uniqueEmail('manager');
  await invite(page, email, 'Manager');
  await page.screenshot({ path: `${SCREENS}/users-owner.png`, fullPage: true });

  const mail = await latestMail(email);
  expect(mail.payload.subject).toContain(companyName);

  const invitee = await acceptAsNewAccount(browser, email, 'Mia Manager');
  await expect(invitee.page.getByRole('heading', { name: `Join ${companyName}` })).toBeVisible();
  await invitee.page.screenshot({ path: `${SCREENS}/invitation-accept.png`, fullPage: true });
  await invitee.page.getByRole('button', { name: 'Create my account and join' }).click();
  await expect(invitee.page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(invitee.page.getByTestId('tenant-name')).toHaveText(companyName);
  await expect(invitee.page.getByText('Mia Manager (manager)')).toBeVisible();
  await invitee.context.close();

  // The owner now sees a member, not an invitation.
  await page.reload();
  const row = page.getByTestId('member-row').filter({ hasText: email });
  await expect(row).toContainText('Manager');
  await expect(row).toContainText('Active');
  await expect(page.getByTestId('invitation-row').filter({ hasText: email })).toHaveCount(0);

  // Change the role, then take the access away.
  await page.getByRole('link', { name: 'Manage Mia Manager' }).click();
  const panel = page.locator('[id^="edit-"]');
  await panel.getByLabel('Role').selectOption({ label: 'Auditor' });
  await panel.getByLabel(/Reason/).fill('Moves to quality assurance');
  await page.screenshot({ path: `${SCREENS}/users-manage.png`, fullPage: true });
  await panel.getByRole('button', { name: 'Save role' }).click();
  await expect(panel.getByRole('status')).toHaveText('Role saved.');
  await expect(row).toContainText('Auditor');
  await panel.getByRole('button', { name: 'Deactivate Mia Manager' }).click();
  await expect(page.getByTestId('member-row').filter({ hasText: email })).toHaveCount(0);
  await expect(page.getByTestId('member-row')).toHaveCount(1);
});

test('someone with an account logs in from the invitation, comes back to it and joins a second company', async ({
  page,
  browser,
}) => {
  const { companyName } = await signUp(page, 'Inviter');
  // The invitee runs a company of their own already.
  const elsewhere = await browser.newContext();
  const invitee = await elsewhere.newPage();
  const existing = await signUp(invitee, 'Existing');
  await invitee.getByRole('button', { name: 'Log out' }).first().click();
  await expect(invitee).toHaveURL(/\/login$/);

  await invite(page, existing.email, 'Auditor');
  await invitee.goto(await linkFromMail(existing.email, '/invitations/accept'));
  await expect(
    invitee.getByText(`${existing.email} already has an AnythingIoT account`),
  ).toBeVisible();
  await invitee.getByRole('link', { name: 'Log in to accept' }).click();
  await expect(invitee).toHaveURL(/\/login\?next=/);
  await invitee.getByLabel('Email').fill(existing.email);
  await invitee.getByLabel('Password').fill(PASSWORD);
  await invitee.getByRole('button', { name: 'Log in' }).click();
  await expect(invitee.getByRole('heading', { name: `Join ${companyName}` })).toBeVisible();
  await invitee.getByRole('button', { name: 'Accept and join' }).click();
  await expect(invitee.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(invitee.getByTestId('tenant-name')).toHaveText(companyName);
  await expect(invitee.getByText('(auditor)')).toBeVisible();
  // Their own company is still theirs, one switch away.
  await expect(invitee.getByRole('link', { name: 'Switch company' })).toBeVisible();
  await elsewhere.close();
});

test('an owner resends one invitation and revokes another; the revoked link no longer works', async ({
  page,
}) => {
  await signUp(page, 'Invites');
  const keep = uniqueEmail('keep');
  const drop = uniqueEmail('drop');
  await invite(page, keep, 'Auditor');
  await invite(page, drop, 'Admin');
  const dropLink = await linkFromMail(drop, '/invitations/accept');

  const keepRow = page.getByTestId('invitation-row').filter({ hasText: keep });
  await keepRow.getByRole('button', { name: `Resend the invitation to ${keep}` }).click();
  await expect(keepRow.getByRole('status')).toHaveText(
    `A new invitation link was sent to ${keep}.`,
  );
  await expect.poll(async () => await mailCount(keep)).toBe(2);

  const dropRow = page.getByTestId('invitation-row').filter({ hasText: drop });
  await dropRow.getByRole('button', { name: `Revoke the invitation to ${drop}` }).click();
  await expect(dropRow).toHaveCount(0);
  await page.goto(dropLink);
  await expect(page.getByRole('alert')).toHaveText(
    'This invitation link is invalid or has expired.',
  );
  await page.screenshot({ path: `${SCREENS}/invitation-invalid.png`, fullPage: true });
});

test('an auditor sees the users page without controls, and a forged invite is refused and creates nothing', async ({
  page,
  browser,
}) => {
  await signUp(page, 'Audit');
  const auditorEmail = uniqueEmail('auditor');
  await invite(page, auditorEmail, 'Auditor');

  const auditor = await acceptAsNewAccount(browser, auditorEmail, 'Ada Auditor');
  await auditor.page.getByRole('button', { name: 'Create my account and join' }).click();
  await expect(auditor.page.getByText('Ada Auditor (auditor)')).toBeVisible();
  await auditor.page.getByRole('link', { name: 'Users' }).click();
  await expect(auditor.page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(auditor.page.getByTestId('member-row')).toHaveCount(2);
  await expect(auditor.page.getByText('Only owners and admins invite people')).toBeVisible();
  await expect(auditor.page.getByRole('heading', { name: 'Invite someone' })).toHaveCount(0);
  await expect(auditor.page.getByRole('button', { name: 'Send invitation' })).toHaveCount(0);
  await expect(auditor.page.getByRole('button', { name: /^Manage / })).toHaveCount(0);
  await expect(auditor.page.getByRole('heading', { name: /Pending invitations/ })).toHaveCount(0);
  await auditor.page.screenshot({ path: `${SCREENS}/users-auditor.png`, fullPage: true });

  // The same POST the owner's form sends, with the auditor's session and a same-origin header.
  const forged = uniqueEmail('forged');
  const res = await auditor.page.request.post('/settings/users', {
    form: { intent: 'invite', email: forged, role: 'admin' },
    headers: { origin: stackInfo().appUrl },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(403);
  await auditor.context.close();

  // Nothing was created: no pending invitation on the owner's page, no email.
  await page.goto('/settings/users');
  await expect(page.getByTestId('invitation-row')).toHaveCount(0);
  await expect(page.getByText(forged)).toHaveCount(0);
  expect(await mailCount(forged)).toBe(0);
});

test('a forgotten password is reset from the emailed link; the link then works no more', async ({
  page,
}) => {
  const { email } = await signUp(page, 'Reset');
  await page.getByRole('button', { name: 'Log out' }).first().click();
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  // Wait for the new page: until then the login form (with its own Email field) is shown.
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.screenshot({ path: `${SCREENS}/forgot-password.png`, fullPage: true });
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText(
    'If an account exists for this address, we have sent it a link to reset the password.',
  );

  const link = await linkFromMail(email, '/reset-password');
  await page.goto(link);
  // The policy's answer sits next to the field.
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByLabel('New password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/reset-password-error.png`, fullPage: true });

  const newPassword = 'a brand new passphrase';
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password has been changed');

  await logIn(page, email, PASSWORD);
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await logIn(page, email, newPassword);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

  // A used link gets a clear answer and a way to ask for a new one.
  await page.goto(link);
  await page.getByLabel('New password').fill('yet another passphrase');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'This password reset link is invalid or has expired.',
  );
  await expect(page.getByRole('link', { name: 'Request a new link' })).toBeVisible();
  await expect(page.getByLabel('New password')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/reset-password-used.png`, fullPage: true });
});

test('a made-up reset token is refused with the same clear error', async ({ page }) => {
  await page.goto(`/reset-password?token=${'x'.repeat(43)}`);
  await page.getByLabel('New password').fill('a perfectly fine passphrase');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'This password reset link is invalid or has expired.',
  );
  await page.goto('/reset-password');
  await expect(page.getByRole('alert')).toHaveText(
    'This page needs the link from the password reset email.',
  );
});

test('profile: rename, choose °F, and the users page works on a phone', async ({ page }) => {
  await signUp(page, 'Profile');
  await page.goto('/settings/profile');
  await page.getByLabel('Your name').fill('Pat Profile');
  await page.getByLabel('Temperature unit').selectOption('F');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('main').getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await expect(page.getByLabel('Your name')).toHaveValue('Pat Profile');
  await expect(page.getByLabel('Temperature unit')).toHaveValue('F');
  await page.screenshot({ path: `${SCREENS}/profile.png`, fullPage: true });

  // The sign-up's address is not confirmed yet: a fresh link can be asked for.
  await page.getByRole('button', { name: 'Send a new confirmation link' }).click();
  await expect(page.getByRole('main').getByRole('status')).toContainText(
    'We sent a new confirmation link',
  );

  await invite(page, uniqueEmail('phone-invitee-with-a-long-address'), 'Auditor');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/settings/users');
  await expect(page.getByRole('button', { name: 'Send invitation' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/users-phone.png`, fullPage: true });
  const sideways = await page.evaluate(() => {
    const { scrollWidth, clientWidth } = document.documentElement;
    const tables = [...document.querySelectorAll('table')].map(
      (t) => (t.parentElement?.scrollWidth ?? 0) > (t.parentElement?.clientWidth ?? 0),
    );
    return { page: scrollWidth > clientWidth, tables };
  });
  expect(sideways, 'nothing scrolls sideways on a phone').toEqual({
    page: false,
    tables: [false, false],
  });
});

test('log out everywhere ends the sessions of other browsers too', async ({ page, browser }) => {
  const { email } = await signUp(page, 'Everywhere');
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await logIn(otherPage, email);
  await expect(otherPage.getByRole('heading', { name: 'Overview' })).toBeVisible();

  await page.goto('/settings/profile');
  await page.getByRole('button', { name: 'Log out everywhere' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login\?next=/);
  await other.close();
});
