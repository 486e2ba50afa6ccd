// One device state on every page, in a real browser. A signed-up company gets a facility with
// three fridges reporting every minute: one that just reported, one silent for ten minutes
// (past 3 × its interval, with no offline alert unless the sweep has run since — it is offline
// either way), and one that never reported. The overview tile, the facilities list, the
// facility page, the device list (badge and status filter) and each device page must all say
// the same about each.

import { ingestReadings, schema } from '@anythingiot/db';
import { createDevice, createFacility } from '@anythingiot/services';
import { expect, test } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { ownerContext, signUp } from './helpers';

test.use({ viewport: { width: 1280, height: 900 } });

test('a fridge gone quiet reads offline on every page, before any sweep', async ({ page }) => {
  test.setTimeout(120_000);
  const company = await signUp(page, 'Quiet');
  const { ctx, db, tenantId, close } = await ownerContext(company, 'e2e-connectivity');
  let facilityId: string;
  const ids: Record<'fresh' | 'quiet' | 'never', string> = { fresh: '', quiet: '', never: '' };
  try {
    const facility = await createFacility({
      ctx,
      input: {
        name: 'Pharmacy Cold Room',
        type: 'cold_room',
        address: 'Apothekergasse 2, Wien',
        timeZone: 'Europe/Berlin',
      },
    });
    facilityId = facility.id;
    const make = async (name: string) =>
      (
        await createDevice({
          ctx,
          input: { name, facilityId: facility.id, expectedIntervalSeconds: 60 },
        })
      ).device.id;
    ids.fresh = await make('Fresh fridge');
    ids.quiet = await make('Quiet fridge');
    ids.never = await make('New fridge');
    const now = Date.now();
    for (const [id, value] of [
      [ids.fresh, 4.5],
      [ids.quiet, 5.5],
    ] as const) {
      await ingestReadings(db, { tenantId, deviceId: id }, [
        { metric: 'temperature', ts: now - 30_000, value, seq: null },
      ]);
    }
    await db
      .update(schema.devices)
      .set({ lastSeenAt: new Date(now - 10 * 60_000) })
      .where(eq(schema.devices.id, ids.quiet));
  } finally {
    await close();
  }

  // The overview's tile counts them.
  await page.goto('/');
  const tile = page.getByTestId('facility-tile').filter({ hasText: 'Pharmacy Cold Room' });
  const count = (label: string) =>
    tile
      .locator('dl > div')
      .filter({ has: page.getByText(label, { exact: true }) })
      .locator('dd');
  await expect(count('Online')).toHaveText('1');
  await expect(count('Offline')).toHaveText('1');
  await expect(tile).toContainText('1 not reporting yet');
  // The quiet fridge's 5.5 °C is not current: the range is the fresh one's alone.
  await expect(tile).toContainText('4.5');
  await expect(tile).not.toContainText('5.5');
  await page.screenshot({ path: 'test-results/screens/connectivity-overview.png', fullPage: true });

  // The facilities list: 3 devices, 1 online, 1 offline.
  await page.goto('/facilities');
  const row = page.getByTestId('facility-row').filter({ hasText: 'Pharmacy Cold Room' });
  await expect(row.getByRole('cell')).toHaveText([
    /Pharmacy Cold Room/,
    'Cold room',
    'Apothekergasse 2, Wien',
    '3',
    '1',
    '1',
  ]);

  // The facility page's cards.
  await page.goto(`/facilities/${facilityId!}`);
  const card = (name: string) => page.getByTestId('device-card').filter({ hasText: name });
  await expect(card('Fresh fridge')).toHaveAttribute('data-connectivity', 'online');
  await expect(card('Fresh fridge').getByText('Online')).toBeVisible();
  await expect(card('Quiet fridge')).toHaveAttribute('data-connectivity', 'offline');
  await expect(card('Quiet fridge').getByText('Offline')).toBeVisible();
  await expect(card('New fridge')).toHaveAttribute('data-connectivity', 'never_reported');
  await expect(card('New fridge').getByText('Never reported')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/connectivity-facility.png', fullPage: true });

  // The device list: each badge, and each status filter lists exactly the badged devices.
  await page.goto('/devices');
  const deviceRow = (name: string) => page.getByTestId('device-row').filter({ hasText: name });
  await expect(deviceRow('Fresh fridge')).toContainText('Online');
  await expect(deviceRow('Quiet fridge')).toContainText('Offline');
  await expect(deviceRow('New fridge')).toContainText('Never reported');
  for (const [status, name] of [
    ['online', 'Fresh fridge'],
    ['offline', 'Quiet fridge'],
    ['never_reported', 'New fridge'],
  ] as const) {
    await page.getByLabel('Status').selectOption(status);
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page).toHaveURL(new RegExp(`status=${status}`));
    await expect(page.getByTestId('device-row')).toHaveCount(1);
    await expect(deviceRow(name)).toBeVisible();
    if (status === 'offline') {
      await page.screenshot({
        path: 'test-results/screens/connectivity-devices-offline.png',
        fullPage: true,
      });
    }
  }

  // Each device page.
  for (const [key, label] of [
    ['fresh', 'Online'],
    ['quiet', 'Offline'],
    ['never', 'Never reported'],
  ] as const) {
    await page.goto(`/devices/${ids[key]}`);
    await expect(page.getByTestId('device-state')).toHaveText(label);
  }
  await page.goto(`/devices/${ids.quiet}`);
  await page.screenshot({ path: 'test-results/screens/connectivity-device.png', fullPage: true });
});
