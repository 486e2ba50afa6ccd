// Issue 22, item 6: every reading-level problem is that reading's refusal, never a 5xx. A 5xx
// makes the SDK retry the whole batch forever, so one bad reading beside a good one would block
// a device's buffer. Generated bodies put a good reading first and a bad one of every shape
// after it (keys that are built-in property names, values of every JSON type, extreme numbers,
// timestamps of every shape), signed correctly, through the real route and Postgres.

import { signDeviceRequest } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerDevice, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_ingest_properties');
});
afterAll(() => t?.db.drop());

const BUILT_IN_NAMES = [
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'toLocaleString',
];

const anyKey = fc.oneof(
  fc.constantFrom(...BUILT_IN_NAMES),
  fc.constantFrom('temperature', 'humidity', 'door_status', 'power_consumption', 'ts', 'seq'),
  fc.string({ maxLength: 12 }),
);

const extremeNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e16, 1e20, -1e20, 8.64e15 + 1, -8.64e15 - 1, 1.7976931348623157e308),
  fc.integer(),
);

const anyValue = fc.oneof(
  extremeNumber,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('open', 'closed', true, false, null, '', '4.2'),
);

const anyTs = fc.oneof(
  extremeNumber,
  fc.constantFrom(
    '2026-02-30T12:00:00Z',
    '2026-02-29T12:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-06-01T24:00:00Z',
    '2026-06-01',
    'yesterday',
    '',
    null,
    [],
    {},
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string({ maxLength: 30 }),
);

const badReading = fc.record(
  { ts: anyTs, extra: fc.dictionary(anyKey, anyValue, { maxKeys: 4 }) },
  { requiredKeys: [] },
);

describe('POST /v1/ingest over generated bodies', () => {
  it('answers no 5xx and stores the good reading whatever stands beside it', async () => {
    const device = await registerDevice(t.db);
    // Each run's good reading gets its own minute in the last day, so none is a duplicate.
    let minute = 0;
    await fc.assert(
      fc.asyncProperty(badReading, fc.boolean(), async (bad, badFirstInObject) => {
        minute += 1;
        const goodTs = Date.now() - 24 * 3_600_000 + minute * 60_000;
        const good = { ts: goodTs, temperature: 4 + (minute % 10) / 10 };
        const reading: Record<string, unknown> = badFirstInObject
          ? { ...bad.extra, ...(bad.ts === undefined ? {} : { ts: bad.ts }) }
          : { ...(bad.ts === undefined ? {} : { ts: bad.ts }), ...bad.extra };
        const body = JSON.stringify({ readings: [good, reading] });
        const timestamp = String(Date.now());
        const res = await t.app.request('/v1/ingest', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-device-id': device.deviceId,
            'x-timestamp': timestamp,
            'x-signature': await signDeviceRequest(device.secret, body, timestamp),
          },
          body,
        });
        // The batch is well-formed (an array of objects): whatever is wrong is one reading's,
        // so the post is answered 200 with that reading refused and the good one stored.
        expect(res.status, await res.clone().text()).toBe(200);
        const answer = (await res.json()) as { rejected: { index: number }[] };
        expect(answer.rejected.map((r) => r.index)).not.toContain(0);
        const rows = await t.db.handle.db
          .select({ ts: schema.readings.ts })
          .from(schema.readings)
          .where(
            and(
              eq(schema.readings.deviceId, device.deviceId),
              eq(schema.readings.metric, 'temperature'),
              eq(schema.readings.ts, new Date(goodTs)),
            ),
          );
        expect(rows).toHaveLength(1);
        return true;
      }),
      { numRuns: 150 },
    );
  });
});
