import { expect, test } from '@playwright/test';
import { linkFromMail, logIn, PASSWORD, signUp, uniqueEmail } from './helpers';

test('a company signs up, confirms its email from the mail, logs out and back in', async ({
  page,
}) => {
  const { email, companyName } = await signUp(page, 'Signup');
  await expect(page.getByTestId('tenant-name')).toHaveText(companyName);
  await expect(page.getByText(`we sent a link to ${email}`)).toBeVisible();

  await page.goto(await linkFromMail(email, '/verify-email'));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.getByRole('status')).toContainText(`${email} is confirmed`);
  await page.getByRole('link', { name: 'Go to the dashboard' }).click();
  await expect(page.getByText('we sent a link')).toHaveCount(0);

  await page.getByRole('button', { name: 'Log out' }).first().click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await logIn(page, email);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});

test('sign-up shows every field error next to its field and creates nothing', async ({ page }) => {
  await page.goto('/signup');
  await page.getByLabel('Work email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Company name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Enter your company name.')).toBeVisible();
  await expect(page.getByText('Enter a valid email address.')).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await logIn(page, 'not-an-email', PASSWORD);
  await expect(page.getByText('Enter a valid email address.')).toBeVisible();
});

test('a wrong password gets one generic message', async ({ page }) => {
  await logIn(page, uniqueEmail('nobody'), PASSWORD);
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
});
