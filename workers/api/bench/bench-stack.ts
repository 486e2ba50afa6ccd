import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack } from '@anythingiot/devstack';

/**
 * A throwaway local stack for one bench: its own data directory and free ports, so a bench never
 * touches a developer's persistent stack. `stop` shuts the stack down and removes the directory.
 */
export async function startBenchStack(name: string) {
  const dataDir = await mkdtemp(join(tmpdir(), `anythingiot-bench-${name}-`));
  await chmod(dataDir, 0o755);
  const stack = await startDevstack({
    dataDir,
    persistent: false,
    ports: { postgres: 0, neonProxy: 0, redis: 0, qstash: 0, catcher: 0 },
  });
  const stop = async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { dataDir, stack, stop };
}
