import type { Command } from '@anythingiot/db';
import type { ServicePorts } from '../context.js';

/**
 * Tells the outside world (expiry scheduling, a connected device, dashboards) about committed
 * commands. Best effort by design: the commands are stored, the device's next post picks them
 * up, and the expiry sweep catches a lost schedule; so a failure is logged, never thrown.
 */
export async function notifyCommands(
  ports: ServicePorts,
  what: 'created' | 'changed',
  commands: Command[],
) {
  const notifier = ports.commands;
  if (!notifier || commands.length === 0) return;
  try {
    await notifier[what](commands);
  } catch (err) {
    ports.log?.({
      warning: 'command_notify_failed',
      what,
      commandIds: commands.map((c) => c.id),
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
