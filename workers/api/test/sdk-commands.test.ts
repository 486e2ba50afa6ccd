import { schema } from '@anythingiot/db';
import { createCommandRunner, createDeviceClient, httpReporter } from '@anythingiot/sdk';
import { alignToInterval, runSimulation, type SimEvent } from '@anythingiot/sdk/sim';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDevice } from './device-fixtures.js';
import { createTestApp, type TestApp } from './harness.js';
import { call, seedTenant } from './tenant-fixtures.js';

// Commands on the device's side, through the SDK and the simulator against the real api: the
// app's own fetch is the transport, so every acknowledgement is signed and checked for real.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_sdk_commands');
});
afterAll(() => t?.db.drop());

const fetchApp = async (input: RequestInfo | URL, init?: RequestInit) =>
  t.app.request(String(input), init);

async function setup() {
  const { key } = await seedTenant(t.db);
  const device = await apiDevice(t.app, key);
  const send = async (body: unknown) =>
    (await call(t.app, key, 'POST', `/v1/devices/${device.deviceId}/commands`, body)).json();
  const status = async (id: string) =>
    (await (await call(t.app, key, 'GET', `/v1/commands/${id}`)).json()).status;
  return { key, device, send, status };
}

describe('the SDK runs what ingest answers carry', () => {
  it('acknowledges, runs and reports: completed, failed, and unsupported commands', async () => {
    const { device, send, status } = await setup();
    const ping = await send({ type: 'ping' });
    const bad = await send({ type: 'set_report_interval', payload: { seconds: 'often' } });
    const reboot = await send({ type: 'reboot' });
    const client = createDeviceClient({
      url: 'http://api.test/v1/ingest',
      ...device,
      fetch: fetchApp,
    });
    const runner = createCommandRunner({
      reporter: httpReporter(client),
      handlers: {
        ping: () => ({ pong: true }),
        set_report_interval: (payload) => {
          if (typeof payload.seconds !== 'number') throw new Error('seconds must be a number');
        },
      },
    });
    const result = await client.send({ ts: Date.now() - 1_000, metrics: { temperature: 4 } });
    expect(result.commands.map((c) => c.id)).toEqual([ping.id, bad.id, reboot.id]);
    await runner.handle(result.commands);
    expect([await status(ping.id), await status(bad.id), await status(reboot.id)]).toEqual([
      'completed',
      'failed',
      'failed',
    ]);
    // A poll finds nothing more to do.
    expect(await client.report({})).toEqual({ ok: true, results: [], commands: [] });
  });
});

describe('the simulator answers commands, so the demo shows the lifecycle', () => {
  it('completes set_report_interval and really reports at the new interval from then on', async () => {
    const { device, send, status } = await setup();
    const command = await send({ type: 'set_report_interval', payload: { seconds: 60 } });
    const start = alignToInterval(Date.now() - 20 * 60_000, 10_000);
    const events: SimEvent[] = [];
    await runSimulation({
      url: 'http://api.test/v1/ingest',
      devices: [{ ...device, kind: 'fridge' }],
      intervalMs: 10_000,
      speed: Number.POSITIVE_INFINITY,
      start,
      durationMs: 10 * 60_000,
      fetch: fetchApp,
      onEvent: (e) => events.push(e),
    });
    expect(await status(command.id)).toBe('completed');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'command', command: 'set_report_interval' }),
    );
    const rows = await t.db.handle.db
      .select({ ts: schema.readings.ts })
      .from(schema.readings)
      .where(eq(schema.readings.deviceId, device.deviceId))
      .orderBy(asc(schema.readings.ts));
    const times = [...new Set(rows.map((r) => r.ts.getTime()))];
    const gaps = times.slice(1).map((ts, i) => ts - times[i]!);
    // The command came with the answer to the very first post: every reading after it is 60 s on.
    expect(times.length).toBeGreaterThan(5);
    expect(new Set(gaps)).toEqual(new Set([60_000]));
  });
});
