import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DevstackPorts, startDevstack } from './devstack.js';
import { startNeonProxy } from './neon-proxy/index.js';
import { PortInUseError } from './net/listen.js';
import { assertPortFree, freePort } from './postgres/index.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'anythingiot-devstack-'));
  await chmod(dataDir, 0o755);
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function occupy(port: number) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function freePorts(): Promise<DevstackPorts> {
  return {
    postgres: await freePort(),
    neonProxy: await freePort(),
    redis: await freePort(),
    qstash: await freePort(),
    catcher: await freePort(),
  };
}

describe('startDevstack', () => {
  it.each([
    ['postgres', 'Postgres'],
    ['redis', 'Upstash Redis emulator'],
    ['catcher', 'Mail/SMS/webhook catcher'],
  ] as const)(
    'a taken %s port is named clearly and nothing is left running',
    async (key, service) => {
      const ports = await freePorts();
      let blocker: Server | undefined;
      try {
        blocker = await occupy(ports[key]);
        const attempt = startDevstack({
          dataDir: join(dataDir, key),
          persistent: false,
          fast: true,
          ports,
        });
        await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
        await expect(attempt).rejects.toThrow(`${service}: port ${ports[key]} is already in use`);
      } finally {
        await new Promise((resolve) => blocker?.close(resolve));
      }
      // Everything that had started was stopped again: every port is free.
      for (const port of Object.values(ports))
        await expect(assertPortFree(port, 'x')).resolves.toBeUndefined();
    },
  );
});

describe('Neon WebSocket proxy', () => {
  it('is not an open relay: it refuses any address but its own Postgres', async () => {
    const proxy = await startNeonProxy({ port: 0, postgresPort: 5 });
    try {
      const ws = new WebSocket(`${proxy.url}?address=example.com:5432`);
      const close = await new Promise<{ code: number; reason: string }>((resolve) =>
        ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      expect(close.code).toBe(1008);
      expect(close.reason).toContain('only reaches');
    } finally {
      await proxy.close();
    }
  });
});
