// What the live-data browser tests share: the tenant room's frames a page receives, proof that
// no document was reloaded, and holding the page's own re-reads back so that whatever changes
// meanwhile can only have come over the socket.
import { randomBytes } from 'node:crypto';
import { expect, type Page, type Route } from '@playwright/test';

/** The tenant room's socket URL (for `page.routeWebSocket` and frame capture). */
export const ROOM = /\/parties\/tenant\//;

export type Frame = Record<string, unknown> & { type?: string; deviceId?: string };

/** The tenant room's frames this page receives, parsed. */
export function roomFrames(page: Page): Frame[] {
  const frames: Frame[] = [];
  page.on('websocket', (ws) => {
    if (!ROOM.test(ws.url())) return;
    ws.on('framereceived', ({ payload }) => frames.push(JSON.parse(String(payload)) as Frame));
  });
  return frames;
}

/** Proves no document was loaded after this point: the marker would be gone. */
export async function markDocument(page: Page) {
  const marker = randomBytes(4).toString('hex');
  await page.evaluate((m) => {
    (window as unknown as { liveMarker: string }).liveMarker = m;
  }, marker);
  return async () =>
    expect(
      await page.evaluate(() => (window as unknown as { liveMarker?: string }).liveMarker),
      'the page was not reloaded',
    ).toBe(marker);
}

/**
 * Holds the page's data requests (Remix loader re-reads) back while `during` runs: what
 * changes on screen meanwhile came over the socket.
 */
export async function withReadsHeld(page: Page, during: () => Promise<void>) {
  const held: (() => void)[] = [];
  const hold = async (route: Route) => {
    await new Promise<void>((release) => held.push(release));
    await route.continue().catch(() => {});
  };
  await page.route(/[?&]_data=/, hold);
  try {
    await during();
  } finally {
    await page.unroute(/[?&]_data=/, hold);
    for (const release of held) release();
  }
}

/** Waits for the room to confirm a subscription (so what is posted next is delivered). */
export async function subscribed(frames: Frame[], covers: (f: Frame) => boolean) {
  await expect
    .poll(() => frames.some((f) => f.type === 'subscribed' && covers(f)), {
      message: 'the room confirmed the subscription',
    })
    .toBe(true);
}
