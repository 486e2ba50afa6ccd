import { RedisError, unknownCommand, wrongArity } from '../errors';
import type { Reply } from '../reply';
import type { Store } from '../store';
import { hashCommands } from './hashes';
import { keyspaceCommands } from './keyspace';
import { listCommands } from './lists';
import { setCommands } from './sets';
import { sortedSetCommands } from './sorted-sets';
import { stringCommands } from './strings';
import type { CommandSpec } from './types';

const COMMANDS = new Map<string, CommandSpec>(
  Object.entries({
    ...stringCommands,
    ...keyspaceCommands,
    ...hashCommands,
    ...listCommands,
    ...setCommands,
    ...sortedSetCommands,
  }),
);

// Upstash runs Lua; the emulator does not. Naming the reason saves a debugging session when, say,
// @upstash/ratelimit's EVALSHA fails locally.
const SCRIPTING = new Set([
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'script',
  'fcall',
  'fcall_ro',
  'function',
]);

/** Names of the commands the emulator implements, lower case. */
export function supportedCommands() {
  return [...COMMANDS.keys()];
}

/**
 * Finds the command for `argv` and checks its argument count, throwing the error Redis gives when
 * such a command is queued in MULTI (unknown command, wrong arity) — the ones that abort a whole
 * transaction rather than failing one entry.
 */
export function resolveCommand(argv: readonly string[]): CommandSpec {
  const [name = '', ...args] = argv;
  const lower = name.toLowerCase();
  if (SCRIPTING.has(lower)) {
    throw new RedisError(
      `ERR unknown command '${name}': Lua scripting and functions are not supported by the ` +
        'devstack Redis emulator',
    );
  }
  const spec = COMMANDS.get(lower);
  if (!spec) throw unknownCommand(name, args);
  const { arity } = spec;
  if (arity > 0 ? argv.length !== arity : argv.length < -arity) throw wrongArity(lower);
  return spec;
}

/** Runs one already-resolved command with a single clock reading. */
export function runCommand(store: Store, spec: CommandSpec, argv: readonly string[]): Reply {
  return store.atomically(() => spec.run(store, argv.slice(1)));
}

/** Resolves and runs one command; RedisError on an error reply. */
export function executeCommand(store: Store, argv: readonly string[]): Reply {
  return runCommand(store, resolveCommand(argv), argv);
}
