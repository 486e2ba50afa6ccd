import type { CommandProgress, CommandResult, DeliveredCommand } from '@anythingiot/core';
import type { DeviceClient } from './client.js';

/**
 * Runs one command type: returns the response (any JSON) or throws to fail it. `progress`
 * reports 0–100 for long commands (an update).
 */
export type CommandHandler = (
  payload: Record<string, unknown>,
  context: { command: DeliveredCommand; progress(percent: number, phase?: string): Promise<void> },
) => unknown | Promise<unknown>;

/**
 * How a report went: `ok` the server took it; `refused` the server said no (the command expired,
 * is unknown, or already has another result): do not run it; `failed` it could not be sent (the
 * network): the command comes again and the report is repeated then.
 */
export type ReportOutcome = 'ok' | 'refused' | 'failed';

/** Where acknowledgements and results go: the HTTP endpoint or the room connection. */
export type CommandReporter = {
  acknowledge(commandId: string): Promise<ReportOutcome>;
  result(result: CommandResult): Promise<ReportOutcome>;
  progress(progress: CommandProgress): Promise<ReportOutcome>;
};

/** A reporter over `POST /v1/devices/commands/ack` (signed, retried by the client). */
export function httpReporter(client: Pick<DeviceClient, 'report'>): CommandReporter {
  const outcome = async (report: Parameters<DeviceClient['report']>[0]) => {
    const answer = await client.report(report);
    if (!answer.ok) return 'failed';
    return answer.results.every((r) => r.ok) ? 'ok' : 'refused';
  };
  return {
    acknowledge: (commandId) => outcome({ acks: [commandId] }),
    result: (result) => outcome({ results: [result] }),
    progress: (progress) => outcome({ progress: [progress] }),
  };
}

export type CommandRunnerOptions = {
  /** Handlers by command type; any other type fails with "unsupported command". */
  handlers: Record<string, CommandHandler>;
  reporter: CommandReporter;
  /** How many finished commands to remember for redeliveries. Default 1,000. */
  remember?: number;
  onError?: (error: unknown, command: DeliveredCommand) => void;
};

export type CommandRunner = {
  /**
   * Runs what arrived (from a flush's `commands`, a `report`'s answer or the room), in order.
   * Delivery is at least once: a command already running is skipped, and one already finished
   * is not run again — its result is reported again (the first report may have been lost,
   * which is why it came back).
   */
  handle(commands: readonly DeliveredCommand[]): Promise<void>;
};

/** Acknowledge, run, report: the device side of the command lifecycle. */
export function createCommandRunner(options: CommandRunnerOptions): CommandRunner {
  const { reporter, handlers } = options;
  const remember = options.remember ?? 1_000;
  const running = new Set<string>();
  /** Finished commands and the result reported (null: refused, nothing to report). */
  const finished = new Map<string, CommandResult | null>();

  const done = (id: string, result: CommandResult | null) => {
    finished.delete(id);
    finished.set(id, result);
    if (finished.size > remember) finished.delete(finished.keys().next().value as string);
  };

  async function run(command: DeliveredCommand) {
    const ack = await reporter.acknowledge(command.id);
    // Expired or unknown to the server: it must not run.
    if (ack === 'refused') return done(command.id, null);
    const handler = handlers[command.type];
    let result: CommandResult;
    try {
      if (!handler) throw new Error(`unsupported command type "${command.type}"`);
      const response = await handler(command.payload, {
        command,
        progress: async (percent, phase) => {
          await reporter.progress({
            commandId: command.id,
            progress: Math.max(0, Math.min(100, percent)),
            ...(phase ? { status: phase } : {}),
          });
        },
      });
      result = {
        commandId: command.id,
        status: 'completed',
        ...(response === undefined ? {} : { response }),
      };
    } catch (err) {
      result = {
        commandId: command.id,
        status: 'failed',
        error: (err instanceof Error ? err.message : String(err)).slice(0, 1_000),
      };
    }
    done(command.id, result);
    await reporter.result(result);
  }

  return {
    async handle(commands) {
      for (const command of commands) {
        if (running.has(command.id)) continue;
        if (finished.has(command.id)) {
          const result = finished.get(command.id);
          if (result) await reporter.result(result);
          continue;
        }
        running.add(command.id);
        try {
          await run(command);
        } catch (err) {
          options.onError?.(err, command);
        } finally {
          running.delete(command.id);
        }
      }
    },
  };
}
