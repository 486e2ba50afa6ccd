import type { Client } from '@upstash/qstash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningQStash } from './index.js';
import { nextRun, validateCron } from './schedules.js';
import { startEmulatorUnderTest, type startReceiver, tableCounts } from './test-support.js';

describe('validateCron', () => {
  it.each([
    '* * * * *',
    '*/5 * * * *',
    '0 9 * * MON-FRI',
    '0 0 1 JAN,JUL *',
    'CRON_TZ=Europe/Berlin 0 6 * * *',
  ])('accepts %s', (cron) => {
    expect(() => validateCron(cron)).not.toThrow();
  });

  it.each([
    ['* * * *', /4 fields/],
    ['* * * * * *', /6 fields/],
    ['61 * * * *', /61/],
    ['0 0 L * *', /day of month/],
    ['0 0 * * 1#1', /day of week/],
    ['@daily', /1 fields/],
    ['0 0 31 2 *', /Invalid/],
    ['CRON_TZ=Mars/Olympus 0 0 * * *', /Upstash-Cron/],
  ])('refuses %s', (cron, message) => {
    expect(() => validateCron(cron)).toThrow(message);
  });

  it('computes the next tick in the given zone', () => {
    const after = Date.parse('2024-01-01T00:00:30Z');
    expect(nextRun('* * * * *', after)).toBe(Date.parse('2024-01-01T00:01:00Z'));
    expect(nextRun('CRON_TZ=Europe/Berlin 0 6 * * *', after)).toBe(
      Date.parse('2024-01-01T05:00:00Z'),
    );
  });
});

// A fake clock drives delays and cron ticks, so nothing here waits for real minutes.
describe('with a fake clock', () => {
  const token = 'qstash_clock_token';
  const keys = { currentSigningKey: 'sig_current_clock', nextSigningKey: 'sig_next_clock' };
  let clock = Date.now();
  let databaseUrl: string;
  let emulator: RunningQStash;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: Client;

  let harness: Awaited<ReturnType<typeof startEmulatorUnderTest>> | undefined;
  beforeAll(async () => {
    harness = await startEmulatorUnderTest('qstash_clock', { token, ...keys, now: () => clock });
    ({ databaseUrl, emulator, receiver, client } = harness);
  });

  afterAll(() => harness?.stop());

  const advance = async (ms: number) => {
    clock += ms;
    await emulator.drain();
  };

  it('never delivers a cancelled message', async () => {
    const cancelled = await client.publish({
      url: `${receiver.url}/cancel`,
      body: 'no',
      delay: '10s',
    });
    await client.publish({ url: `${receiver.url}/cancel`, body: 'yes', delay: '10s' });
    await emulator.drain();
    expect(receiver.to('/cancel')).toHaveLength(0);
    await expect(client.messages.cancel(cancelled.messageId)).resolves.toEqual({ cancelled: 1 });
    await advance(20_000);
    expect(receiver.to('/cancel').map((d) => d.body)).toEqual(['yes']);
  });

  it('cancels everything pending with { all: true }', async () => {
    await client.publish({ url: `${receiver.url}/cancel-all`, body: '1', delay: '1m' });
    await client.publish({ url: `${receiver.url}/cancel-all`, body: '2', delay: '2m' });
    await expect(client.messages.cancel({ all: true })).resolves.toEqual({ cancelled: 2 });
    await advance(180_000);
    expect(receiver.to('/cancel-all')).toHaveLength(0);
  });

  it('publishes a message at every cron tick, signed and tagged with the schedule id', async () => {
    const { scheduleId } = await client.schedules.create({
      destination: `${receiver.url}/tick`,
      cron: '* * * * *',
      body: JSON.stringify({ check: 'excursions' }),
      headers: { 'X-Job': 'excursion-check' },
      scheduleId: 'excursion-sweep',
    });
    expect(scheduleId).toBe('excursion-sweep');

    const schedule = await client.schedules.get(scheduleId);
    expect(schedule).toMatchObject({
      scheduleId,
      cron: '* * * * *',
      destination: `${receiver.url}/tick`,
      method: 'POST',
      isPaused: false,
      retries: 3,
      body: '{"check":"excursions"}',
    });
    expect(schedule.header?.['X-Job']).toEqual(['excursion-check']);
    expect(schedule.nextScheduleTime).toBeGreaterThan(clock);
    expect((await client.schedules.list()).map((s) => s.scheduleId)).toContain(scheduleId);

    await emulator.drain();
    expect(receiver.to('/tick')).toHaveLength(0);

    await advance(60_000);
    await advance(60_000);
    const ticks = receiver.to('/tick');
    expect(ticks).toHaveLength(2);
    for (const tick of ticks) {
      expect(tick.verified).toBe(true);
      expect(tick.headers).toMatchObject({
        'upstash-schedule-id': scheduleId,
        'x-job': 'excursion-check',
        'content-type': 'application/json',
      });
      expect(JSON.parse(tick.body)).toEqual({ check: 'excursions' });
    }
    expect(ticks[0]!.headers['upstash-message-id']).not.toBe(
      ticks[1]!.headers['upstash-message-id'],
    );
  });

  it('pauses, resumes, updates (same Upstash-Schedule-Id) and deletes', async () => {
    const id = 'excursion-sweep';
    await client.schedules.pause({ schedule: id });
    expect((await client.schedules.get(id)).isPaused).toBe(true);
    await advance(120_000);
    expect(receiver.to('/tick')).toHaveLength(2);

    await client.schedules.resume({ schedule: id });
    await advance(60_000);
    expect(receiver.to('/tick')).toHaveLength(3);

    await client.schedules.create({
      destination: `${receiver.url}/tick`,
      cron: '*/5 * * * *',
      body: 'updated',
      scheduleId: id,
    });
    expect((await client.schedules.get(id)).cron).toBe('*/5 * * * *');
    await advance(5 * 60_000);
    expect(receiver.to('/tick').at(-1)!.body).toBe('updated');
    const count = receiver.to('/tick').length;

    await client.schedules.delete(id);
    await expect(client.schedules.get(id)).rejects.toMatchObject({ status: 404 });
    await advance(10 * 60_000);
    expect(receiver.to('/tick')).toHaveLength(count);
  });

  it.each(['* * * *', '61 * * * *', '* * * * * *'])(
    'answers 400 for cron %j and stores nothing',
    async (cron) => {
      const before = await tableCounts(databaseUrl);
      await expect(
        client.schedules.create({ destination: `${receiver.url}/never`, cron }),
      ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/Upstash-Cron/) });
      expect(await tableCounts(databaseUrl)).toEqual(before);
    },
  );

  it('answers 400 for a bad schedule id and stores nothing', async () => {
    const before = await tableCounts(databaseUrl);
    await expect(
      client.schedules.create({
        destination: `${receiver.url}/never`,
        cron: '* * * * *',
        scheduleId: 'a/b c',
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await tableCounts(databaseUrl)).toEqual(before);
  });
});
