// The device page's data as its components receive it (JSON: dates as strings).

import type { SerializeFrom } from '@remix-run/cloudflare';
import type { DeviceIntent, deviceAction } from '~/server/device-actions.server';
import type { devicePage } from '~/server/device-page.server';

/** The loader's view-model, after what arrived live (see ./live-view). */
export type DevicePageData = SerializeFrom<typeof devicePage>;
/** The history card's data when the range was valid. */
export type DeviceHistory = Extract<DevicePageData['history'], { ok: true }>;
/** What the last form sent answered, tagged with its intent. */
export type DeviceActionData = SerializeFrom<typeof deviceAction> | undefined;

/** The answer of the form with `intent`, if it was the last one sent. */
export function resultFor<I extends DeviceIntent>(result: DeviceActionData, intent: I) {
  return result && result.intent === intent ? result : undefined;
}
