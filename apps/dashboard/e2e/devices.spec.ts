import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDeviceClient } from '@anythingiot/sdk';
import { expect, type Page, test } from '@playwright/test';
import { signUp } from './helpers';
import { stackInfo } from './stack-info';

const run = promisify(execFile);
const APP_DIR = fileURLToPath(new URL('../', import.meta.url));
const HOUR = 3_600_000;

/** Creates a facility through the form; ends on its page. Returns its URL. */
async function createFacility(page: Page, name: string): Promise<string> {
  await page.goto('/facilities');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Type').selectOption('cold_room');
  await page.getByLabel('Address').fill('Lagerstraße 5, 10115 Berlin');
  await page.getByLabel('Time zone').fill('Europe/Berlin');
  await page.getByRole('button', { name: 'Create facility' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('main').getByRole('status')).toContainText('Facility created');
  return new URL(page.url()).pathname;
}

test('a company creates a facility, registers a device, posts readings and sees them live on the facility page; another company gets 404', async ({
  browser,
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signUp(page, 'Devices');
  const facilityPath = await createFacility(page, 'Berlin Cold Room');
  await expect(page.getByText('No device in this facility yet.')).toBeVisible();

  // Register a device into this facility.
  await page.getByRole('link', { name: 'Register a device here' }).click();
  await expect(page.getByRole('heading', { name: 'Register a device' })).toBeVisible();
  await expect(page.getByLabel('Facility')).toHaveValue(facilityPath.split('/').pop()!);
  await page.getByLabel('Name').fill('Vaccine fridge 1');
  await page.getByLabel('Tags').fill('vaccines, ground floor');
  await page.getByLabel('Expected reporting interval (seconds)').fill('60');
  const answer = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/devices/new',
  );
  await page.getByRole('button', { name: 'Register device' }).click();
  expect((await answer).headers()['cache-control']).toBe('no-store');
  await expect(page.getByRole('heading', { name: 'Vaccine fridge 1 is registered' })).toBeVisible();

  // The secret, shown once: copy it with the button, as a person would.
  const deviceId = (await page.getByTestId('device-id').textContent())!;
  const shown = (await page.getByTestId('device-secret').textContent())!;
  expect(deviceId).toMatch(/^dev_/);
  await page.getByRole('button', { name: 'Copy secret' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Secret copied.' })).toBeVisible();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toBe(shown);
  const { apiUrl } = stackInfo();
  const ingestUrl = `${apiUrl}/v1/ingest`;
  await expect(page.getByTestId('snippet-shell')).toContainText(ingestUrl);
  await page.screenshot({ path: 'test-results/screens/device-registered.png', fullPage: true });

  // Both snippets as shown really post: the shell one through bash, curl and openssl…
  const shell = (await page.getByTestId('snippet-shell').textContent())!;
  const curl = await run('bash', ['-euo', 'pipefail', '-c', shell]);
  expect(JSON.parse(curl.stdout)).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });
  // … and the TypeScript one through tsx, with the secret in the environment as it says.
  const sdk = (await page.getByTestId('snippet-sdk').textContent())!;
  const dir = await mkdtemp(join(APP_DIR, 'test-results', 'snippet-'));
  try {
    await writeFile(join(dir, 'send-reading.mts'), sdk);
    const tsx = await run('npx', ['tsx', join(dir, 'send-reading.mts')], {
      cwd: APP_DIR,
      env: { ...process.env, DEVICE_SECRET: secret },
    });
    expect(tsx.stdout).toContain('accepted 3 values');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Reloading the page does not bring the secret back.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Register a device' })).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  // The device posts a few hours of history and a current reading with the SDK client.
  const client = createDeviceClient({ url: ingestUrl, deviceId, secret });
  const now = Date.now();
  const history = Array.from({ length: 6 }, (_, i) => ({
    ts: new Date(now - (6 - i) * HOUR),
    seq: i + 1,
    metrics: { temperature: 3.5 + i * 0.4 },
  }));
  const result = await client.send([
    ...history,
    {
      ts: new Date(now),
      seq: 7,
      metrics: { temperature: 5.3, humidity: 61, door: 0, power: 84 },
    },
  ]);
  expect(result.stopped).toBeUndefined();
  expect(result.accepted).toBe(10);

  // The facility page shows the newest values, online, with a sparkline.
  await page.goto(facilityPath);
  const card = page.getByTestId('device-card').filter({ hasText: 'Vaccine fridge 1' });
  await expect(card.getByTestId('temperature')).toHaveText('5.3 °C');
  await expect(card.getByText('Online')).toBeVisible();
  await expect(card.getByText('61 %RH')).toBeVisible();
  await expect(card.getByText('Closed')).toBeVisible();
  await expect(card.getByText('84 W')).toBeVisible();
  await expect(card.locator('.recharts-area')).toBeVisible();
  await expect(card.getByRole('link', { name: 'Vaccine fridge 1' })).toHaveAttribute(
    'href',
    `/devices/${deviceId}`,
  );
  await page.screenshot({ path: 'test-results/screens/facility.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/screens/facility-phone.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // The device list finds it by name, with its facility.
  await page.goto('/devices');
  await page.getByLabel('Name contains').fill('fridge');
  await page.getByLabel('Status').selectOption('online');
  await page.getByRole('button', { name: 'Filter' }).click();
  const row = page.getByTestId('device-row').filter({ hasText: 'Vaccine fridge 1' });
  await expect(row).toContainText('Berlin Cold Room');
  await expect(row).toContainText('5.3 °C');
  await page.screenshot({ path: 'test-results/screens/devices.png', fullPage: true });

  // The facilities list counts it: one device, online.
  await page.goto('/facilities');
  const facilityRow = page.getByTestId('facility-row').filter({ hasText: 'Berlin Cold Room' });
  await expect(facilityRow.getByRole('cell')).toHaveText([
    /Berlin Cold Room/,
    'Cold room',
    'Lagerstraße 5, 10115 Berlin',
    '1',
    '1',
    '0',
  ]);
  await page.screenshot({ path: 'test-results/screens/facilities.png', fullPage: true });

  // Another company sees neither the facility nor the device.
  const other = await browser.newContext();
  const stranger = await other.newPage();
  await signUp(stranger, 'Stranger');
  for (const path of [facilityPath, `/devices/${deviceId}`]) {
    const res = await stranger.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(stranger.getByRole('heading', { name: 'Not found' })).toBeVisible();
    await expect(stranger.getByText('Vaccine fridge 1')).toHaveCount(0);
  }
  await other.close();
});

test('the registration form shows bad input next to its field and registers nothing', async ({
  page,
}) => {
  await signUp(page, 'BadDevice');
  await createFacility(page, 'Hamburg Store');
  await page.goto('/devices/new');
  await page.getByLabel('Name').fill('   ');
  await page.getByLabel('Tags').fill('cold, cold');
  await page.getByLabel('Expected reporting interval (seconds)').fill('0');
  await page.getByRole('button', { name: 'Register device' }).click();
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('must not be empty')).toBeVisible();
  await expect(page.getByLabel('Tags')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('tags must be unique')).toBeVisible();
  await expect(page.getByText('at least 1 second')).toBeVisible();
  await page.goto('/devices');
  await expect(page.getByText('No device yet.')).toBeVisible();
});
