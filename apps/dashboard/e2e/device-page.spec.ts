// The device page in a real browser: a company signs up, its owner's facility, device and
// 2–8 °C rule are set up through the same use cases the dashboard calls (no dependency on the
// registration pages), a day of a simulated vaccine fridge is posted through the SDK with one
// warm spell, and the page must show it: latest values, chart, thresholds, shaded excursion.

import { validateAlertRule } from '@anythingiot/core';
import { createDeviceClient } from '@anythingiot/sdk';
import { runSimulation } from '@anythingiot/sdk/sim';
import { createAlertRule, createDevice, createFacility } from '@anythingiot/services';
import { expect, test } from '@playwright/test';
import { linkFromMail, ownerContext, signUp } from './helpers';
import { stackInfo } from './stack-info';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

test.use({ viewport: { width: 1440, height: 900 } });

test('the device page shows a day of readings with thresholds and the excursion; rotate shows the secret once; revoke asks first', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const signedUp = await signUp(page, 'Fridge');
  const { email } = signedUp;
  // A confirmed owner, so the page is seen (and pictured) without the reminder banner.
  await page.goto(await linkFromMail(email, '/verify-email'));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.getByRole('status')).toContainText('is confirmed');
  const { ctx, close } = await ownerContext(signedUp, 'e2e-device-page');
  let deviceId: string;
  try {
    const facility = await createFacility({
      ctx,
      input: { name: 'Pharmacy cold room', type: 'cold_room', timeZone: 'Europe/Berlin' },
    });
    const created = await createDevice({
      ctx,
      input: {
        name: 'Vaccine fridge 1',
        facilityId: facility.id,
        model: 'ColdSense T2',
        tags: ['vaccines', 'ground floor'],
        expectedIntervalSeconds: 60,
      },
    });
    deviceId = created.device.id;
    await createAlertRule({
      ctx,
      input: {
        rule: validateAlertRule({
          name: 'Vaccines 2–8 °C',
          scope: { kind: 'device', deviceId },
          metric: 'temperature',
          condition: { kind: 'outside', low: 2, high: 8 },
          durationSeconds: 15 * 60,
          deadband: 0.5,
          severity: 'critical',
          schedule: null,
          enabled: true,
        }),
      },
    });

    // The last 24 h of a fridge, one reading a minute, replayed as fast as the api answers;
    // 15 h in, a door left ajar warms it by 6 °C for 50 minutes: above the 8 °C maximum.
    const start = Math.ceil((Date.now() - 24 * HOUR) / MINUTE) * MINUTE;
    const summary = await runSimulation({
      url: `${stackInfo().apiUrl}/v1/ingest`,
      devices: [{ deviceId, secret: created.secret, kind: 'fridge' }],
      seed: 11,
      start,
      durationMs: 24 * HOUR - 2 * MINUTE,
      intervalMs: MINUTE,
      batchSize: 240,
      speed: Number.POSITIVE_INFINITY,
      scenario: {
        excursions: [{ device: deviceId, atMs: 15 * HOUR, durationMs: 50 * MINUTE, delta: 6 }],
        dropouts: [],
      },
      summaryEveryMs: 60_000,
    });
    expect(summary.lastError, 'the api took every post').toBeUndefined();
    expect(summary.errors).toBe(0);
    expect(summary.accepted).toBe(summary.generated);
  } finally {
    await close();
  }

  await page.goto(`/devices/${deviceId}`);
  await expect(page.getByRole('heading', { name: 'Vaccine fridge 1' })).toBeVisible();
  await expect(page.getByTestId('device-state')).toHaveText('Online');

  // Latest values: every metric the fridge sends, the temperature in °C.
  const latest = page.getByTestId('latest-values');
  await expect(latest.getByText('Temperature')).toBeVisible();
  await expect(latest.getByText(/^-?\d+\.\d °C$/)).toBeVisible();
  await expect(latest.getByText('Humidity')).toBeVisible();

  // The chart: a drawn series, the rule's two thresholds, the shaded excursion.
  const chart = page.getByTestId('history-chart');
  await expect(chart.locator('.recharts-area-curve').first()).toHaveAttribute('d', /^M/);
  await expect(chart.getByText('Max 8.0 °C')).toBeVisible();
  await expect(chart.getByText('Min 2.0 °C')).toBeVisible();
  await expect(chart.locator('.stroke-red-500 .recharts-area-curve').first()).toHaveAttribute(
    'd',
    /^M/,
  );
  // The alert is raised by ingest's evaluation in event time: reload until it is there.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('excursions')).toContainText('Critical');
  }).toPass({ timeout: 30_000 });
  await expect(chart.locator('.stroke-orange-500 .recharts-area-area')).toHaveAttribute('d', /^M/);
  expect(Number(await chart.getAttribute('data-excursion-points'))).toBeGreaterThanOrEqual(45);
  await expect(page.getByTestId('history-range')).toContainText('1-minute means');
  const dayPoints = Number(await chart.getAttribute('data-points'));
  expect(dayPoints).toBeGreaterThan(1_400);
  const summary = page.getByTestId('history-summary');
  await expect(summary.getByText('MKT')).toBeVisible();
  await expect(summary).toContainText(/Max\s*1\d\.\d °C/);

  await page.screenshot({ path: 'test-results/screens/device-page.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(chart.locator('.recharts-area-curve').first()).toHaveAttribute('d', /^M/);
  await page.screenshot({ path: 'test-results/screens/device-page-phone.png', fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Another range, other data: a week in hourly means.
  await page.getByRole('link', { name: '7 d', exact: true }).click();
  await expect(page.getByTestId('history-range')).toContainText('hourly means');
  await expect(chart).toHaveAttribute('data-points', /^\d+$/);
  const weekPoints = Number(await chart.getAttribute('data-points'));
  expect(weekPoints).toBeGreaterThan(20);
  expect(weekPoints).toBeLessThanOrEqual(26);
  await expect(page.getByRole('link', { name: '7 d', exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );

  // One metric at a time: humidity has no rule here, so no threshold lines.
  await page.getByLabel('Metric').selectOption({ label: 'Humidity' });
  await expect(page).toHaveURL(/metric=humidity/);
  await expect(chart.getByText('Humidity', { exact: true })).toBeVisible();
  await expect(chart.getByText('Max 8.0 °C')).toHaveCount(0);
  await expect(page.getByTestId('history-summary')).toContainText('%RH');

  // A custom range with the end before the start: the error stands next to the field.
  await page.getByRole('link', { name: 'Custom', exact: true }).click();
  await page.getByLabel('From', { exact: true }).fill('2026-01-10T12:00');
  await page.getByLabel('To', { exact: true }).fill('2026-01-10T08:00');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByLabel('From', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('must be before the end')).toBeVisible();

  // Rotate: the new secret once, in an answer no cache may keep, and it really works.
  await page.goto(`/devices/${deviceId}`);
  await page.getByLabel('Previous secret keeps working for').selectOption({ label: '1 hour' });
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Rotate secret' }).click(),
  ]);
  expect(answer.headers()['cache-control']).toBe('no-store');
  const secret = (await page.getByTestId('new-secret').textContent())?.trim() ?? '';
  expect(secret.length).toBeGreaterThan(20);
  await expect(page.getByRole('button', { name: 'Copy: new secret' })).toBeVisible();
  const device = createDeviceClient({ url: `${stackInfo().apiUrl}/v1/ingest`, deviceId, secret });
  const sent = await device.send({ ts: new Date(), metrics: { temperature: 4.8 } });
  expect(sent.stopped).toBeUndefined();
  expect(sent.accepted).toBe(1);

  await page.reload();
  await expect(page.getByTestId('new-secret')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  const credential = page.getByTestId('credential-info');
  await expect(credential).toContainText('Rotations1');
  await expect(credential).toContainText('Previous secret until');

  // Revoke takes a second, explicit step; afterwards the device is marked and cannot rotate.
  await page.getByText('Revoke Vaccine fridge 1…').click();
  await page.getByRole('button', { name: 'Yes, revoke this device' }).click();
  await expect(page.getByTestId('device-state')).toHaveText('Revoked');
  await expect(
    page.getByText('This device is revoked: it can no longer post readings.'),
  ).toBeVisible();
  await expect(
    page.getByText('This device is revoked: it can no longer receive commands.'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Rotate secret' })).toHaveCount(0);
});
