// Commands in a real browser, end to end: a command sent from the device page is collected by
// the device (the SDK, from this process) in its next ingest answer, acknowledged and completed,
// and the page shows pending → sent → completed without a reload, over the tenant room's socket
// (with the page's re-reads held back); one nobody collects expires on time (QStash emulator →
// the api's expiry job) and shows so; a facility command reaches every active device after the
// member confirms how many.

import type { DeliveredCommand } from '@anythingiot/core';
import { connectDevice, deviceRoomUrl, isSocket } from '@anythingiot/rooms/testing';
import { createCommandRunner, createDeviceClient, httpReporter } from '@anythingiot/sdk';
import { createDevice, createFacility, revokeDevice } from '@anythingiot/services';
import { expect, type Page, test } from '@playwright/test';
import { ownerContext, signUp } from './helpers';
import { type Frame, markDocument, roomFrames, subscribed, withReadsHeld } from './live-helpers';
import { stackInfo } from './stack-info';

test.use({ viewport: { width: 1280, height: 900 } });

/** A company with a facility of two fridges (and a revoked one) whose devices this test runs. */
async function commandCompany(page: Page, label: string) {
  const company = await signUp(page, label);
  const { ctx, close } = await ownerContext(company, `e2e-commands-${label}`);
  try {
    const facility = await createFacility({
      ctx,
      input: { name: 'Berlin cold room', type: 'cold_room', timeZone: 'Europe/Berlin' },
    });
    const register = (name: string) =>
      createDevice({
        ctx,
        input: { name, facilityId: facility.id, expectedIntervalSeconds: 60 },
      });
    const fridge = await register('Vaccine fridge');
    const freezer = await register('Plasma freezer');
    const old = await register('Old fridge');
    await revokeDevice({ ctx, input: { id: old.device.id } });
    return { facility: facility.id, fridge: device(fridge), freezer: device(freezer) };
  } finally {
    await close();
  }
}

/** A device as the SDK runs it: posts readings, and runs the commands its answers carry. */
function device(registered: { device: { id: string }; secret: string }) {
  const client = createDeviceClient({
    url: `${stackInfo().apiUrl}/v1/ingest`,
    deviceId: registered.device.id,
    secret: registered.secret,
  });
  const runner = createCommandRunner({
    reporter: httpReporter(client),
    handlers: {
      ping: () => ({ pong: true }),
      set_report_interval: (payload) => ({ reportIntervalSeconds: payload.seconds }),
      reboot: () => ({ rebooting: true }),
    },
  });
  let seq = 0;
  return {
    id: registered.device.id,
    registered,
    /** Posts one reading; the commands the api's answer carries (sent, not yet run). */
    async post(): Promise<DeliveredCommand[]> {
      const sent = await client.send([
        { ts: Date.now(), seq: ++seq, metrics: { temperature: 4.2 } },
      ]);
      expect(sent.stopped, 'the api took the post').toBeUndefined();
      return sent.commands;
    },
    /** Acknowledges, runs and reports them, as a device built on the SDK does. */
    async run(commands: DeliveredCommand[]) {
      await runner.handle(commands);
    },
  };
}

/** The page is connected and subscribed to `deviceId` (what is published next reaches it). */
async function liveFor(page: Page, frames: Frame[], covers: (f: Frame) => boolean) {
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
  await subscribed(frames, covers);
}

const statusFrames = (frames: Frame[], commandId: string) =>
  frames
    .filter((f) => f.type === 'command_status' && f.commandId === commandId)
    .map((f) => f.status);

test('a command sent on the device page is collected, acknowledged and completed, shown live', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const co = await commandCompany(page, 'Commands');
  const frames = roomFrames(page);
  await page.goto(`/devices/${co.fridge.id}`);
  await liveFor(page, frames, (f) => (f.deviceIds as string[]).includes(co.fridge.id));
  const panel = page.getByRole('region', { name: 'Commands', exact: true });
  await expect(panel.getByText('No commands sent to this device yet.')).toBeVisible();

  // A field error next to its field, nothing sent.
  await panel.getByLabel('Command').selectOption({ label: 'Set report interval' });
  await panel.getByLabel('Report every (seconds)').fill('90000');
  await panel.getByRole('button', { name: 'Send command' }).click();
  await expect(panel.getByText('at most 86400 seconds (one day)')).toBeVisible();
  await expect(panel.getByLabel('Report every (seconds)')).toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByTestId('command-row')).toHaveCount(0);

  await panel.getByLabel('Report every (seconds)').fill('30');
  await panel.getByRole('button', { name: 'Send command' }).click();
  await expect(panel.getByRole('status')).toHaveText(
    'Set report interval sent: follow it under Recent commands.',
  );
  const row = panel.getByTestId('command-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'pending');
  await expect(row.getByTestId('command-status')).toHaveText('Pending');
  await expect(row).toContainText('seconds: 30');
  const commandId = (await row.getAttribute('data-command-id'))!;
  const notReloaded = await markDocument(page);

  await withReadsHeld(page, async () => {
    // The device's next post carries the command: sent.
    const delivered = await co.fridge.post();
    expect(delivered.map((c) => [c.id, c.type, c.payload])).toEqual([
      [commandId, 'set_report_interval', { seconds: 30 }],
    ]);
    await expect(row.getByTestId('command-status')).toHaveText('Sent');
    await expect(row.getByTestId('command-steps')).toContainText('sent');
    await page.screenshot({ path: 'test-results/screens/commands-sent.png' });
    // It acknowledges, runs and reports: completed, with its answer.
    await co.fridge.run(delivered);
    await expect(row.getByTestId('command-status')).toHaveText('Completed');
    await expect(row).toContainText('{"reportIntervalSeconds":30}');
  });
  await notReloaded();
  expect(statusFrames(frames, commandId)).toEqual(
    expect.arrayContaining(['pending', 'sent', 'acknowledged', 'completed']),
  );
  // Once re-read, the exact record: acknowledged and completed times, one delivery.
  await expect(row.getByTestId('command-steps')).toContainText('acknowledged');
  await expect(row.getByTestId('command-steps')).toContainText('completed');
  await panel.screenshot({ path: 'test-results/screens/commands-panel.png' });
  await page.screenshot({ path: 'test-results/screens/commands-device-page.png', fullPage: true });
});

test('a command nobody collects expires at its time to live, shown live', async ({ page }) => {
  test.setTimeout(120_000);
  const co = await commandCompany(page, 'Expiry');
  const frames = roomFrames(page);
  await page.goto(`/devices/${co.freezer.id}`);
  await liveFor(page, frames, (f) => (f.deviceIds as string[]).includes(co.freezer.id));
  const panel = page.getByRole('region', { name: 'Commands', exact: true });
  await panel.getByLabel('Command').selectOption({ label: 'Ping' });
  await panel.getByLabel('Amount').fill('5');
  await panel.getByLabel('Unit').selectOption('seconds');
  await panel.getByRole('button', { name: 'Send command' }).click();
  const row = panel.getByTestId('command-row');
  await expect(row.getByTestId('command-status')).toHaveText('Pending');
  await expect(row).toContainText('Expires');
  const commandId = (await row.getAttribute('data-command-id'))!;
  const notReloaded = await markDocument(page);

  // QStash (the emulator) calls the api's expiry job at the expiry instant; the room says so.
  await withReadsHeld(page, async () => {
    await expect(row.getByTestId('command-status')).toHaveText('Expired', { timeout: 30_000 });
  });
  await notReloaded();
  expect(statusFrames(frames, commandId)).toContain('expired');
  // The device's next post no longer carries it.
  expect(await co.freezer.post()).toEqual([]);
  await expect(row).not.toContainText('Expires');
  await panel.screenshot({ path: 'test-results/screens/commands-expired.png' });
});

test('a facility command reaches every active device after the member confirms how many', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const co = await commandCompany(page, 'Bulk');
  const frames = roomFrames(page);
  await page.goto(`/facilities/${co.facility}`);
  await liveFor(page, frames, (f) => (f.facilityIds as string[]).includes(co.facility));
  const panel = page.getByRole('region', { name: 'Command every device' });
  await panel.getByLabel('Command').selectOption({ label: 'Reboot' });
  await panel.getByRole('button', { name: 'Review…' }).click();

  const confirmation = panel.getByTestId('command-confirmation');
  await expect(confirmation).toContainText('Send Reboot to 2 active devices of Berlin cold room?');
  await expect(confirmation).toBeFocused();
  await page.screenshot({ path: 'test-results/screens/commands-facility-confirm.png' });
  // Change goes back to the fields as they were; review again.
  await confirmation.getByRole('button', { name: 'Change' }).click();
  await expect(panel.getByLabel('Command')).toHaveValue('reboot');
  await panel.getByRole('button', { name: 'Review…' }).click();
  await confirmation.getByRole('button', { name: 'Send to 2 devices' }).click();

  const summary = panel.getByTestId('command-summary');
  await expect(summary).toContainText('Reboot sent to 2 devices.');
  await expect(summary.getByTestId('summary-pending')).toContainText('2');
  const notReloaded = await markDocument(page);
  await withReadsHeld(page, async () => {
    await co.fridge.run(await co.fridge.post());
    await expect(summary.getByTestId('summary-completed')).toContainText('1');
    await expect(summary.getByTestId('summary-pending')).toContainText('1');
    await co.freezer.run(await co.freezer.post());
    await expect(summary.getByTestId('summary-completed')).toContainText('2');
    await expect(summary.getByTestId('summary-pending')).toHaveCount(0);
  });
  await notReloaded();
  await panel.screenshot({ path: 'test-results/screens/commands-facility-sent.png' });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/devices/${co.fridge.id}`);
  await page.getByRole('region', { name: 'Commands', exact: true }).scrollIntoViewIfNeeded();
  await expect(page.getByTestId('command-row').first()).toHaveAttribute('data-status', 'completed');
  await page.screenshot({ path: 'test-results/screens/commands-phone.png', fullPage: true });
});

test('revoking a connected device on its page closes its room connection at once (4401)', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const co = await commandCompany(page, 'Revoked');
  // The device's socket, as a leaked secret would hold it open.
  const socket = await connectDevice(
    await deviceRoomUrl(stackInfo().apiUrl, {
      deviceId: co.fridge.id,
      secret: co.fridge.registered.secret,
    }),
  );
  if (!isSocket(socket)) throw new Error(`refused: ${socket.refused} ${socket.body}`);
  try {
    await page.goto(`/devices/${co.fridge.id}`);
    await page.getByText('Revoke Vaccine fridge…').click();
    await page.getByRole('button', { name: 'Yes, revoke this device' }).click();
    await expect(page.getByTestId('device-state')).toHaveText('Revoked');
    // The dashboard told the device's room (the api Worker's DeviceRoom, bound by script_name).
    const closed = await Promise.race([
      socket.closed,
      new Promise<{ code: string }>((r) => setTimeout(() => r({ code: 'still open' }), 10_000)),
    ]);
    expect(closed.code).toBe(4401);
  } finally {
    await socket.close();
  }
});
