// Live data in a real browser: the dashboard's socket to the tenant room of the api Worker (both
// in workerd), readings posted through the SDK from this process. Readings appear on the
// facility and device pages without a reload (with the pages' API re-reads held back, so it is
// the socket that brought them), alerts appear on the overview and in the alerts center, an
// operator limited to one facility never receives another facility's frames even when asking
// for them, and after a lost connection the page catches up with what happened meanwhile.

import { API_KEY_SCOPES } from '@anythingiot/core';
import { createDeviceClient } from '@anythingiot/sdk';
import { createApiKey, createDevice, createFacility } from '@anythingiot/services';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { addOperator, logIn, ownerContext, pharmaRule, signUp } from './helpers';
import {
  type Frame,
  markDocument,
  ROOM,
  roomFrames,
  subscribed,
  withReadsHeld,
} from './live-helpers';
import { stackInfo } from './stack-info';

const MINUTE = 60_000;

test.use({ viewport: { width: 1280, height: 900 } });

/** A company with two facilities, a device in each, and an operator who sees only the first. */
async function liveCompany(page: Page, label: string) {
  const company = await signUp(page, label);
  const owner = await ownerContext(company, `e2e-live-${label}`);
  const { ctx, tenantId } = owner;
  try {
    const berlin = await createFacility({
      ctx,
      input: { name: 'Berlin cold room', type: 'cold_room', timeZone: 'Europe/Berlin' },
    });
    const hamburg = await createFacility({
      ctx,
      input: { name: 'Hamburg depot', type: 'warehouse', timeZone: 'Europe/Berlin' },
    });
    const fridge = await createDevice({
      ctx,
      input: { name: 'Vaccine fridge', facilityId: berlin.id, expectedIntervalSeconds: 60 },
    });
    const freezer = await createDevice({
      ctx,
      input: { name: 'Depot freezer', facilityId: hamburg.id, expectedIntervalSeconds: 60 },
    });
    await pharmaRule(ctx, fridge.device.id);
    const operatorEmail = await addOperator(owner, 'Olga Operator', berlin.id);

    const url = `${stackInfo().apiUrl}/v1/ingest`;
    const device = (d: typeof fridge) => {
      let seq = 0;
      const client = createDeviceClient({ url, deviceId: d.device.id, secret: d.secret });
      return {
        id: d.device.id,
        /** Posts readings (ts, temperature) through the SDK; resolves once the api took them. */
        async post(points: [number, number][]) {
          const sent = await client.send(
            points.map(([ts, temperature]) => ({ ts, seq: ++seq, metrics: { temperature } })),
          );
          expect(sent.stopped, 'the api took the post').toBeUndefined();
          expect(sent.accepted).toBe(points.length);
        },
      };
    };
    return {
      company,
      tenantId,
      operatorEmail,
      berlin: berlin.id,
      hamburg: hamburg.id,
      fridge: device(fridge),
      freezer: device(freezer),
    };
  } finally {
    await owner.close();
  }
}

const liveStatus = (page: Page) => page.getByTestId('live-status');

/** The indicator says `words` (screen readers hear "Live updates: " before them). */
async function indicatorSays(page: Page, words: string, timeout?: number) {
  await expect(liveStatus(page)).toHaveText(`Live updates: ${words}`, { timeout });
}

test('a posted reading appears on the facility and device pages without a reload, over the socket', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const co = await liveCompany(page, 'Live');
  // Readings on minute boundaries, so each falls in a one-minute bucket of its own.
  const base = Math.floor(Date.now() / MINUTE) * MINUTE;
  await co.fridge.post([
    [base - 10 * MINUTE, 4],
    [base - 5 * MINUTE, 4.5],
  ]);
  const frames = roomFrames(page);

  await page.goto(`/facilities/${co.berlin}`);
  await indicatorSays(page, 'Live');
  await expect(liveStatus(page)).toHaveAttribute('data-status', 'live');
  await subscribed(frames, (f) => (f.facilityIds as string[]).includes(co.berlin));
  const card = page.getByTestId('device-card').filter({ hasText: 'Vaccine fridge' });
  await expect(card.getByTestId('temperature')).toHaveText('4.5 °C');
  const notReloaded = await markDocument(page);

  await withReadsHeld(page, async () => {
    await co.fridge.post([[base - 2 * MINUTE, 6.5]]);
    await expect(card.getByTestId('temperature')).toHaveText('6.5 °C');
  });
  expect(frames.some((f) => f.type === 'readings' && f.deviceId === co.fridge.id)).toBe(true);
  await notReloaded();

  // The device page (a client-side navigation: same document), last hour = every reading.
  await card.getByRole('link', { name: 'Vaccine fridge' }).click();
  await expect(page.getByRole('heading', { name: 'Vaccine fridge' })).toBeVisible();
  await page.getByRole('link', { name: '1 h', exact: true }).click();
  await expect(page).toHaveURL(/range=1h/);
  const chart = page.getByTestId('history-chart');
  await expect(chart).toHaveAttribute('data-points', '3');
  await subscribed(frames, (f) => (f.deviceIds as string[]).includes(co.fridge.id));
  const latest = page.getByTestId('latest-values');
  await expect(latest).toContainText('6.5 °C');

  await withReadsHeld(page, async () => {
    await co.fridge.post([[base - MINUTE, 7.5]]);
    await expect(latest).toContainText('7.5 °C');
    await expect(chart).toHaveAttribute('data-points', '4');
  });
  await notReloaded();

  // The default day: one-minute buckets; a reading in a new minute adds a bucket of its own.
  await page.getByRole('link', { name: '24 h', exact: true }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(chart).toHaveAttribute('data-points', '4');
  await withReadsHeld(page, async () => {
    await co.fridge.post([[base, 7]]);
    await expect(latest).toContainText('7.0 °C');
    await expect(chart).toHaveAttribute('data-points', '5');
  });
  await notReloaded();
  await page.screenshot({ path: 'test-results/screens/live-device.png', fullPage: true });
});

test('alerts appear and change live in the alerts center and on the overview; the indicator reads Live', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const co = await liveCompany(page, 'Alive');
  await co.fridge.post([[Date.now() - 25 * MINUTE, 5]]);

  await page.goto('/alerts');
  await indicatorSays(page, 'Live');
  await expect(page.getByText('No alerts match these filters.')).toBeVisible();
  const notReloaded = await markDocument(page);

  // 20 minutes at 11 °C, backfilled: the rule's 15 minutes are reached in event time, and
  // ingest raises the alert at once.
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
  await co.fridge.post(Array.from({ length: 20 }, (_, i) => [start + i * MINUTE, 11]));
  const rows = page.getByTestId('alert-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Critical');
  await expect(rows.first()).toContainText('Active');
  const href = await rows.first().getByRole('link').first().getAttribute('href');
  const alertId = href!.split('/').at(-1)!;
  await notReloaded();

  // The overview (same document): the tile is red; acknowledging through the REST API (as
  // another system would) turns it back, live.
  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  const tile = page.getByTestId('facility-tile').filter({ hasText: 'Berlin cold room' });
  await expect(tile).toHaveAttribute('data-state', 'critical');
  await indicatorSays(page, 'Live');
  await page.screenshot({ path: 'test-results/screens/live-overview.png', fullPage: true });
  const key = await apiKey(co.company);
  await callApi(key, `/v1/alerts/${alertId}/acknowledge`, { comment: 'Door closed, checking.' });
  await expect(tile).toHaveAttribute('data-state', 'none');
  await expect(tile).toContainText('(+1 ack.)');
  await notReloaded();

  // Back in the alerts center, a resolution elsewhere changes the row's status.
  await page.getByRole('link', { name: 'Alerts', exact: true }).click();
  await expect(rows.first()).toContainText('Acknowledged');
  await callApi(key, `/v1/alerts/${alertId}/resolve`, { reason: 'Door fixed.' });
  await expect(rows.first()).toContainText('Resolved');
  await notReloaded();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await indicatorSays(page, 'Live');
  await page.screenshot({ path: 'test-results/screens/live-overview-phone.png' });
});

/** An API key of the company with alerts:write, made through the use case. */
async function apiKey(company: { email: string; companyName: string }) {
  const { ctx, close } = await ownerContext(company, 'e2e-live-key');
  try {
    const created = await createApiKey({
      ctx: { ...ctx, scopes: API_KEY_SCOPES },
      input: { name: 'Live test', scopes: ['alerts:read', 'alerts:write'] },
    });
    return created.key;
  } finally {
    await close();
  }
}

async function callApi(key: string, path: string, body: unknown) {
  const res = await fetch(new URL(path, stackInfo().apiUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

test('an operator limited to one facility never receives another facility’s frames, even when asking', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const co = await liveCompany(page, 'Scoped');
  const context: BrowserContext = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
  });
  const operator = await context.newPage();
  try {
    // The operator's socket goes through a proxy that records every frame from the room and
    // lets the test speak to the room in the page's name.
    const received: Frame[] = [];
    let toRoom: ((text: string) => void) | undefined;
    await operator.routeWebSocket(ROOM, (ws) => {
      const server = ws.connectToServer();
      toRoom = (text) => server.send(text);
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => {
        received.push(JSON.parse(String(m)) as Frame);
        ws.send(m);
      });
    });
    await logIn(operator, co.operatorEmail);
    await expect(operator.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await indicatorSays(operator, 'Live');
    await expect(operator.getByTestId('facility-tile')).toHaveCount(1);
    await subscribed(received, (f) => f.facilityIds === 'all');
    const hello = received.find((f) => f.type === 'hello');
    expect(hello).toMatchObject({ role: 'operator', facilityIds: [co.berlin] });

    // Asking for Hamburg by facility and by device: the room confirms neither.
    toRoom!(
      JSON.stringify({
        v: 1,
        type: 'subscribe',
        facilityIds: [co.berlin, co.hamburg],
        deviceIds: [co.freezer.id],
      }),
    );
    await subscribed(received, (f) => Array.isArray(f.facilityIds) && f.facilityIds.length === 1);
    expect(received.filter((f) => f.type === 'subscribed').at(-1)).toMatchObject({
      facilityIds: [co.berlin],
    });

    // Hamburg's freezer posts, then Berlin's fridge: the fridge's frame arrives, the freezer's never.
    await co.freezer.post([[Date.now() - MINUTE, -18]]);
    await co.fridge.post([[Date.now() - MINUTE, 4]]);
    await expect
      .poll(() => received.some((f) => f.type === 'readings' && f.deviceId === co.fridge.id))
      .toBe(true);
    // (The room's 'subscribed' answer repeats the device ids asked for; it carries no data.)
    const events = received.filter((f) => 'seq' in f);
    expect(events.filter((f) => JSON.stringify(f).includes(co.freezer.id))).toEqual([]);
    expect(events.some((f) => JSON.stringify(f).includes(co.hamburg))).toBe(false);
    expect(received.some((f) => JSON.stringify(f).includes(co.hamburg))).toBe(false);
    await expect(operator.getByText('Hamburg depot')).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('after a lost connection the page catches up with what was posted meanwhile', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const co = await liveCompany(page, 'Catchup');
  await co.fridge.post([[Date.now() - 3 * MINUTE, 4]]);

  // The page's socket goes through a proxy the test can cut, and keep cut (the room "down").
  let down = false;
  const sockets: { cut: () => void }[] = [];
  const connectionsReceived: Frame[][] = [];
  await page.routeWebSocket(ROOM, (ws) => {
    if (down) {
      ws.close({ code: 1011, reason: 'down' });
      return;
    }
    const frames: Frame[] = [];
    connectionsReceived.push(frames);
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      frames.push(JSON.parse(String(m)) as Frame);
      ws.send(m);
    });
    sockets.push({
      cut: () => {
        server.close();
        ws.close({ code: 1006, reason: 'cut' });
      },
    });
  });
  const reads: string[] = [];
  page.on('request', (r) => {
    if (/[?&]_data=/.test(r.url())) reads.push(r.url());
  });

  await page.goto(`/facilities/${co.berlin}`);
  await indicatorSays(page, 'Live');
  // The first connection is followed by one catch-up read (the page was rendered before it).
  await expect.poll(() => reads.length).toBeGreaterThanOrEqual(1);
  const card = page.getByTestId('device-card').filter({ hasText: 'Vaccine fridge' });
  await expect(card.getByTestId('temperature')).toHaveText('4.0 °C');
  const notReloaded = await markDocument(page);

  down = true;
  sockets[0]!.cut();
  await indicatorSays(page, 'Reconnecting…');
  await expect(liveStatus(page)).toHaveAttribute('data-status', 'reconnecting');
  await page.screenshot({ path: 'test-results/screens/live-reconnecting.png' });
  await co.fridge.post([[Date.now() - MINUTE, 9.5]]);
  // Nothing can bring it while the room is unreachable.
  await page.waitForTimeout(1_500);
  await expect(card.getByTestId('temperature')).toHaveText('4.0 °C');
  const readsBefore = reads.length;

  down = false;
  await indicatorSays(page, 'Live', 30_000);
  await expect(card.getByTestId('temperature')).toHaveText('9.5 °C');
  expect(reads.length).toBeGreaterThan(readsBefore);
  // It came from the re-read, not the new socket (posted before it connected).
  const lastConnection = connectionsReceived.at(-1)!;
  expect(lastConnection.some((f) => f.type === 'readings')).toBe(false);
  await notReloaded();
});
