import type { CommandProgress, CommandResult, DeliveredCommand } from '@anythingiot/core';
import { describe, expect, it } from 'vitest';
import { type CommandReporter, createCommandRunner, type ReportOutcome } from './commands.js';

const command = (id: string, type = 'ping', payload: Record<string, unknown> = {}) =>
  ({ id, type, payload, expiresAt: '2030-01-01T00:00:00.000Z' }) satisfies DeliveredCommand;

/** Records every report; `ackAnswer` decides what the server says to acknowledgements. */
function recorder(ackAnswer: ReportOutcome = 'ok') {
  const sent: (string | CommandResult | CommandProgress)[] = [];
  const reporter: CommandReporter = {
    acknowledge: async (id) => {
      sent.push(`ack ${id}`);
      return ackAnswer;
    },
    result: async (r) => {
      sent.push(r);
      return 'ok';
    },
    progress: async (p) => {
      sent.push(p);
      return 'ok';
    },
  };
  return { reporter, sent };
}

describe('createCommandRunner', () => {
  it('acknowledges, runs the handler and reports its response; a thrown error fails the command', async () => {
    const { reporter, sent } = recorder();
    const runner = createCommandRunner({
      reporter,
      handlers: {
        ping: () => ({ pong: true }),
        set_report_interval: async (payload, { progress }) => {
          await progress(50, 'applying');
          if (typeof payload.seconds !== 'number') throw new Error('seconds must be a number');
          return { seconds: payload.seconds };
        },
      },
    });
    await runner.handle([
      command('c1'),
      command('c2', 'set_report_interval', { seconds: 'soon' }),
      command('c3', 'reboot'),
    ]);
    expect(sent).toEqual([
      'ack c1',
      { commandId: 'c1', status: 'completed', response: { pong: true } },
      'ack c2',
      { commandId: 'c2', progress: 50, status: 'applying' },
      { commandId: 'c2', status: 'failed', error: 'seconds must be a number' },
      'ack c3',
      { commandId: 'c3', status: 'failed', error: 'unsupported command type "reboot"' },
    ]);
  });

  it('runs a command once however often it is delivered, repeating its result instead', async () => {
    const { reporter, sent } = recorder();
    let runs = 0;
    const runner = createCommandRunner({ reporter, handlers: { ping: () => void runs++ } });
    await Promise.all([runner.handle([command('c1')]), runner.handle([command('c1')])]);
    await runner.handle([command('c1')]);
    expect(runs).toBe(1);
    expect(sent).toEqual([
      'ack c1',
      { commandId: 'c1', status: 'completed' },
      { commandId: 'c1', status: 'completed' },
    ]);
  });

  it('does not run a command the server refuses to acknowledge (expired, unknown)', async () => {
    const { reporter, sent } = recorder('refused');
    let runs = 0;
    const runner = createCommandRunner({ reporter, handlers: { ping: () => void runs++ } });
    await runner.handle([command('c1')]);
    await runner.handle([command('c1')]);
    expect(runs).toBe(0);
    expect(sent).toEqual(['ack c1']);
  });

  it('forgets the oldest finished commands beyond `remember`', async () => {
    const { reporter } = recorder();
    let runs = 0;
    const runner = createCommandRunner({
      reporter,
      remember: 2,
      handlers: { ping: () => void runs++ },
    });
    await runner.handle([command('a'), command('b'), command('c')]);
    await runner.handle([command('a')]);
    expect(runs).toBe(4);
  });
});
