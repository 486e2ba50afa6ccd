import { Client } from '@upstash/qstash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningQStash, startQStashEmulator } from './index.js';
import { sleep, startReceiver, startTestPostgres } from './test-support.js';

const token = 'qstash_persistence_token';
const keys = { currentSigningKey: 'sig_current_persist', nextSigningKey: 'sig_next_persist' };

let postgres: Awaited<ReturnType<typeof startTestPostgres>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const running: RunningQStash[] = [];

const start = async (database: string, concurrency?: number) => {
  const emulator = await startQStashEmulator({
    port: 0,
    token,
    ...keys,
    databaseUrl: postgres.url(database),
    concurrency,
  });
  running.push(emulator);
  return emulator;
};

beforeAll(async () => {
  postgres = await startTestPostgres(['qstash_restart', 'qstash_shared', 'qstash_concurrency']);
  receiver = await startReceiver(keys);
});

afterAll(async () => {
  for (const emulator of running) await emulator.close();
  await receiver?.close();
  await postgres?.stop();
});

describe('persistence and concurrency', () => {
  it('delivers a delayed message published before a restart after the restart', async () => {
    const first = await start('qstash_restart');
    const { messageId } = await new Client({ token, baseUrl: first.url }).publishJSON({
      url: `${receiver.url}/survivor`,
      body: { alert: 'alr_1' },
      delay: '1s',
    });
    await first.close();

    const second = await start('qstash_restart');
    const [delivery] = await receiver.arrived('/survivor');
    expect(delivery!.verified).toBe(true);
    expect(delivery!.headers['upstash-message-id']).toBe(messageId);
    expect(JSON.parse(delivery!.body)).toEqual({ alert: 'alr_1' });

    // And it was not left behind for a third start to deliver again.
    await second.close();
    const third = await start('qstash_restart');
    await third.drain();
    expect(receiver.to('/survivor')).toHaveLength(1);
  });

  it('never delivers one message twice when two emulators share a database', async () => {
    // Slow answers keep claims open, so both emulators contend for the same rows.
    receiver.reply('/shared', async () => {
      await sleep(10);
      return { status: 200 };
    });
    const a = await start('qstash_shared', 4);
    const b = await start('qstash_shared', 4);
    const results = await new Client({ token, baseUrl: a.url }).batch(
      Array.from({ length: 40 }, (_, i) => ({ url: `${receiver.url}/shared`, body: `m${i}` })),
    );
    await Promise.all([a.drain(), b.drain()]);
    await receiver.arrived('/shared', 40);
    await Promise.all([a.drain(), b.drain()]);
    const delivered = receiver.to('/shared').map((d) => d.headers['upstash-message-id']);
    expect(delivered).toHaveLength(40);
    expect(new Set(delivered)).toEqual(
      new Set(results.map((r) => (r as { messageId: string }).messageId)),
    );
  });

  it('runs deliveries concurrently, up to its limit', async () => {
    let active = 0;
    let peak = 0;
    receiver.reply('/slow', async () => {
      peak = Math.max(peak, ++active);
      await sleep(100);
      active--;
      return { status: 200 };
    });
    const emulator = await start('qstash_concurrency', 3);
    await new Client({ token, baseUrl: emulator.url }).batch(
      Array.from({ length: 9 }, (_, i) => ({ url: `${receiver.url}/slow`, body: `s${i}` })),
    );
    await receiver.arrived('/slow', 9);
    expect(peak).toBe(3);
  });
});
