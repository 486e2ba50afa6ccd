// What `npm run dev` must do as production does, in a real browser, on the stack `npm run dev`
// starts: e2e/stack.ts runs the same startDev as the dev CLI (a throwaway data directory, free
// ports), so the dashboard here is the built Worker under `wrangler dev`, bound to the api
// Worker's rooms by script_name.
//
// Both tests need the dashboard to call the api's Durable Objects by RPC. Under `remix vite:dev`
// (what `npm run dev` ran before) `getPlatformProxy` cannot make those calls: the command would
// wait for the device's next post, and the acknowledgement would never reach the other
// dashboard's socket (it re-reads on a room event, a reconnection or a return to the tab, never
// on a timer), so both tests fail there.

import type { DeliveredCommand } from '@anythingiot/core';
import {
  connectDeviceChannel,
  createCommandRunner,
  createDeviceClient,
  type WebSocketConstructor,
} from '@anythingiot/sdk';
import { createDevice, createFacility } from '@anythingiot/services';
import { expect, type Page, test } from '@playwright/test';
import WebSocket from 'ws';
import { addOperator, logIn, ownerContext, pharmaRule, signUp } from './helpers';
import { markDocument, roomFrames, subscribed, withReadsHeld } from './live-helpers';
import { stackInfo } from './stack-info';

const MINUTE = 60_000;

test.use({ viewport: { width: 1280, height: 900 } });

/** A company with a fridge (the pharma 2–8 °C rule on it) and an operator of its facility. */
async function fridgeCompany(page: Page, label: string) {
  const company = await signUp(page, label);
  const owner = await ownerContext(company, `e2e-dev-stack-${label}`);
  try {
    const facility = await createFacility({
      ctx: owner.ctx,
      input: { name: 'Berlin cold room', type: 'cold_room', timeZone: 'Europe/Berlin' },
    });
    const fridge = await createDevice({
      ctx: owner.ctx,
      input: { name: 'Vaccine fridge', facilityId: facility.id, expectedIntervalSeconds: 60 },
    });
    await pharmaRule(owner.ctx, fridge.device.id);
    const operatorEmail = await addOperator(owner, 'Olga Operator', facility.id);
    return { id: fridge.device.id, secret: fridge.secret, operatorEmail };
  } finally {
    await owner.close();
  }
}

test('a command sent on the device page reaches a device connected to its room at once, without a post', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const fridge = await fridgeCompany(page, 'Pushed');
  const pushed: DeliveredCommand[] = [];
  const channel = connectDeviceChannel({
    url: stackInfo().apiUrl,
    deviceId: fridge.id,
    secret: fridge.secret,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    onCommand: (command) => pushed.push(command),
  });
  try {
    await channel.ready();
    const frames = roomFrames(page);
    await page.goto(`/devices/${fridge.id}`);
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
    await subscribed(frames, (f) => (f.deviceIds as string[]).includes(fridge.id));
    const panel = page.getByRole('region', { name: 'Commands', exact: true });
    await panel.getByLabel('Command').selectOption({ label: 'Ping' });
    await panel.getByRole('button', { name: 'Send command' }).click();
    const row = panel.getByTestId('command-row');
    const commandId = (await row.getAttribute('data-command-id'))!;
    // The dashboard Worker woke the device's room (the api Worker's DeviceRoom); the device
    // never posted, so the command can only have come that way.
    await expect.poll(() => pushed.map((c) => c.id)).toEqual([commandId]);
    await expect(row.getByTestId('command-status')).toHaveText('Sent');
    const runner = createCommandRunner({
      reporter: channel.reporter,
      handlers: { ping: () => ({ pong: true }) },
    });
    await withReadsHeld(page, async () => {
      await runner.handle(pushed);
      await expect(row.getByTestId('command-status')).toHaveText('Completed');
      await expect(row).toContainText('{"pong":true}');
    });
  } finally {
    channel.close();
  }
});

test('an alert acknowledged on one dashboard changes on another open dashboard without a reload', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const fridge = await fridgeCompany(page, 'Peers');
  // 20 minutes at 11 °C, backfilled: the rule's 15 minutes are reached and ingest raises it.
  const device = createDeviceClient({
    url: `${stackInfo().apiUrl}/v1/ingest`,
    deviceId: fridge.id,
    secret: fridge.secret,
  });
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
  const sent = await device.send(
    Array.from({ length: 20 }, (_, i) => ({
      ts: start + i * MINUTE,
      seq: i + 1,
      metrics: { temperature: 11 },
    })),
  );
  expect(sent.accepted).toBe(20);

  // The owner watches the alerts center.
  const frames = roomFrames(page);
  await page.goto('/alerts');
  await expect(page.getByTestId('live-status')).toHaveText('Live updates: Live');
  const rows = page.getByTestId('alert-row');
  await expect(rows.first()).toContainText('Active');
  const href = await rows.first().getByRole('link').first().getAttribute('href');
  const alertId = href!.split('/').at(-1)!;
  const notReloaded = await markDocument(page);

  // The operator acknowledges it on their own dashboard: the dashboard Worker announces it to
  // the api Worker's tenant room.
  const operator = await browser.newContext();
  try {
    const other = await operator.newPage();
    await logIn(other, fridge.operatorEmail);
    await expect(other.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await other.goto(href!);
    await other.getByLabel('Comment').fill('Door was left open; closed it.');
    await other.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(other.getByText('Door was left open; closed it.').first()).toBeVisible();
  } finally {
    await operator.close();
  }
  // The owner's page heard it on its socket (nothing else makes this page re-read: no timer
  // polls), and shows it without a reload.
  await expect
    .poll(() =>
      frames.some((f) => {
        const alert = f.alert as { id?: string; status?: string } | undefined;
        return f.type === 'alert' && alert?.id === alertId && alert.status === 'acknowledged';
      }),
    )
    .toBe(true);
  await expect(rows.first()).toContainText('Acknowledged');
  await notReloaded();
});
