// Alerts, API keys and the audit log in a real browser. A company signs up; its facilities,
// a device with the pharma 2–8 °C preset and an operator limited to one facility are set up
// through the same use cases the dashboard calls; the device posts 20 minutes of 11 °C through
// the SDK (backfilled, so the 15-minute rule's duration is reached in event time and ingest
// raises the alert at once). Then: the overview tile turns red, the alerts center lists it,
// the operator acknowledges with a comment and the timeline says so; the owner creates an API
// key (shown once) and revokes it; the audit log shows all of it and downloads as CSV.

import { readFile } from 'node:fs/promises';
import { createDeviceClient } from '@anythingiot/sdk';
import { createDevice, createFacility } from '@anythingiot/services';
import { expect, type Page, test } from '@playwright/test';
import { addOperator, logIn, ownerContext, pharmaRule, signUp } from './helpers';
import { stackInfo } from './stack-info';

const MINUTE = 60_000;

test.use({ viewport: { width: 1280, height: 900 } });

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Log out' }).first().click();
  await expect(page).toHaveURL(/\/login/);
}

test('an excursion posted through the SDK colours the overview, is acknowledged by an operator, and lands in the audit log with API key changes', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const { email, companyName } = await signUp(page, 'Alerts');
  const owner = await ownerContext({ companyName, email }, 'e2e-alerts');
  let operatorEmail: string;
  try {
    const { ctx } = owner;
    const berlin = await createFacility({
      ctx,
      input: { name: 'Berlin cold room', type: 'cold_room', timeZone: 'Europe/Berlin' },
    });
    const chicago = await createFacility({
      ctx,
      input: { name: 'Chicago warehouse', type: 'warehouse', timeZone: 'America/Chicago' },
    });
    const fridge = await createDevice({
      ctx,
      input: { name: 'Vaccine fridge', facilityId: berlin.id, expectedIntervalSeconds: 60 },
    });
    const shelf = await createDevice({
      ctx,
      input: { name: 'Pallet logger', facilityId: chicago.id, expectedIntervalSeconds: 60 },
    });
    await pharmaRule(ctx, fridge.device.id);
    operatorEmail = await addOperator(owner, 'Olga Operator', berlin.id);

    // 24 minutes, one reading a minute: 5 °C, then from 20 minutes ago 11 °C up to now.
    const url = `${stackInfo().apiUrl}/v1/ingest`;
    const start = Math.floor(Date.now() / MINUTE) * MINUTE - 23 * MINUTE;
    const fridgeClient = createDeviceClient({
      url,
      deviceId: fridge.device.id,
      secret: fridge.secret,
    });
    const sent = await fridgeClient.send(
      Array.from({ length: 24 }, (_, i) => ({
        ts: start + i * MINUTE,
        seq: i + 1,
        metrics: { temperature: i < 3 ? 5 : 11 },
      })),
    );
    expect(sent.stopped).toBeUndefined();
    expect(sent.accepted).toBe(24);
    const shelfClient = createDeviceClient({
      url,
      deviceId: shelf.device.id,
      secret: shelf.secret,
    });
    const shelfSent = await shelfClient.send([
      { ts: start + 21 * MINUTE, seq: 1, metrics: { temperature: 4.5 } },
      { ts: start + 22 * MINUTE, seq: 2, metrics: { temperature: 5.25 } },
    ]);
    expect(shelfSent.accepted).toBe(2);
  } finally {
    await owner.close();
  }

  // The overview: Berlin red with its alert, Chicago green, each with its temperature.
  await page.goto('/');
  const berlinTile = page.getByTestId('facility-tile').filter({ hasText: 'Berlin cold room' });
  const chicagoTile = page.getByTestId('facility-tile').filter({ hasText: 'Chicago warehouse' });
  await expect(berlinTile).toHaveAttribute('data-state', 'critical');
  await expect(berlinTile).toContainText('Critical alert');
  await expect(berlinTile).toContainText('11.0 °C');
  await expect(chicagoTile).toHaveAttribute('data-state', 'none');
  await expect(chicagoTile).toContainText('All clear');
  await expect(chicagoTile).toContainText('5.3 °C');
  const alertLink = page
    .getByRole('region', { name: 'Active alerts' })
    .getByRole('link', { name: /Vaccine fridge: temperature/ });
  await expect(alertLink).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/overview.png', fullPage: true });

  // The alerts center lists it; filters narrow and widen the list.
  await page.getByRole('link', { name: 'Alerts', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
  const rows = page.getByTestId('alert-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Critical');
  await expect(rows.first()).toContainText('Berlin cold room');
  await page.getByLabel('Status').selectOption('resolved');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/status=resolved/);
  await expect(page.getByText('No alerts match these filters.')).toBeVisible();
  await page.getByLabel('Status').selectOption('active');
  await page.getByLabel('Facility').selectOption({ label: 'Berlin cold room' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/alerts-center.png', fullPage: true });

  // The operator (Berlin only) acknowledges with a reason and a comment.
  await logOut(page);
  await logIn(page, operatorEmail!);
  await expect(page.getByTestId('facility-tile')).toHaveCount(1);
  await page
    .getByRole('region', { name: 'Active alerts' })
    .getByRole('link', { name: /Vaccine fridge/ })
    .click();
  await expect(page.getByTestId('alert-status')).toHaveText('Active');
  // An empty acknowledgement is refused next to the field.
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByLabel('Comment')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Reason').selectOption({ label: 'Door left open' });
  await page.getByLabel('Comment').fill('Door closed, vaccines moved to the backup fridge');
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Alert acknowledged.' })).toBeVisible();
  await expect(page.getByTestId('alert-status')).toHaveText('Acknowledged');
  const timeline = page.getByTestId('timeline');
  // Raised by the rule evaluation, maybe notified meanwhile, then acknowledged by her.
  await expect(timeline.getByRole('listitem').first()).toContainText(
    'Alert raised by AnythingIoT (rule evaluation)',
  );
  const acknowledged = timeline.getByRole('listitem').filter({ hasText: 'Acknowledged by' });
  await expect(acknowledged).toHaveCount(1);
  await expect(acknowledged).toContainText('Acknowledged by Olga Operator');
  await expect(acknowledged).toContainText(
    'Door left open — Door closed, vaccines moved to the backup fridge',
  );
  await page.screenshot({ path: 'test-results/screens/alert-detail.png', fullPage: true });
  // The tile is no longer red: someone is on it.
  await page.goto('/');
  await expect(page.getByTestId('facility-tile')).toHaveAttribute('data-state', 'none');
  await expect(page.getByTestId('facility-tile')).toContainText('(+1 ack.)');

  // The owner creates an API key: shown once, with a copy button; then revokes it.
  await logOut(page);
  await logIn(page, email);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByLabel('Name').fill('Warehouse ERP');
  await page.getByRole('checkbox', { name: /alerts:read/ }).check();
  await page.getByRole('checkbox', { name: /devices:read/ }).check();
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Create key' }).click(),
  ]);
  expect(created.headers()['cache-control']).toBe('no-store');
  const shown = page.getByTestId('new-key');
  await expect(shown).toContainText('shown only this once');
  const key = (await shown.locator('code').textContent())?.trim() ?? '';
  expect(key).toMatch(/^aik_/);
  await expect(shown.getByRole('button', { name: 'Copy key' })).toBeVisible();
  // The key works against the api…
  const api = (k: string) =>
    fetch(`${stackInfo().apiUrl}/v1/alerts`, { headers: { authorization: `Bearer ${k}` } });
  expect((await api(key)).status).toBe(200);
  await page.screenshot({ path: 'test-results/screens/api-keys.png', fullPage: true });
  // …and a reload never shows it again.
  await page.reload();
  await expect(page.getByTestId('new-key')).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);
  const row = page.getByTestId('api-key-row').filter({ hasText: 'Warehouse ERP' });
  await expect(row).toContainText('Active');
  await row.getByText('Revoke…').click();
  await row.getByRole('button', { name: 'Revoke key “Warehouse ERP”' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'revoked' })).toBeVisible();
  await expect(row).toContainText('Revoked');
  expect((await api(key)).status).toBe(401);

  // The audit log shows who did what, and downloads as CSV with the same filter.
  await page.getByRole('link', { name: 'Audit log' }).click();
  const entries = page.getByTestId('audit-row');
  await expect(entries.filter({ hasText: 'alert.acknowledged' })).toContainText('Olga Operator');
  await expect(entries.filter({ hasText: 'api_key.create' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'api_key.revoke' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'alert.raise' })).toContainText('rule evaluation');
  await page.getByLabel('What').selectOption('alert');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/what=alert/);
  await expect(entries).toHaveCount(2);
  await page.screenshot({ path: 'test-results/screens/audit-log.png', fullPage: true });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toBe(
    'seq,at,actor_type,actor_id,action,target_type,target_id,reason,request_id,before,after,hash',
  );
  expect(lines.slice(1).map((l) => l.split(',')[4])).toEqual(['alert.acknowledged', 'alert.raise']);
  expect(csv).toContain('Door closed, vaccines moved to the backup fridge');

  // On a phone: nothing wider than the screen (tables scroll inside their own box).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, name] of [
    ['/', 'overview-phone'],
    ['/alerts', 'alerts-center-phone'],
  ] as const) {
    await page.goto(path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, path).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  }
});
