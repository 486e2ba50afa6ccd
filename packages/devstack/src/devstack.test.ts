import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_PORTS, type DevstackPorts, startDevstack } from './devstack.js';
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
    ['postgres', 'embedded Postgres', 'DEVSTACK_POSTGRES_PORT'],
    ['neonProxy', 'Neon WebSocket proxy', 'DEVSTACK_NEON_PROXY_PORT'],
    ['redis', 'Upstash Redis emulator', 'DEVSTACK_REDIS_PORT'],
    ['qstash', 'QStash emulator', 'DEVSTACK_QSTASH_PORT'],
    ['catcher', 'mail/SMS/webhook catcher', 'DEVSTACK_CATCHER_PORT'],
  ] as const)(
    'a taken %s port is one sentence naming the service, the port and its variable; nothing is left running',
    async (key, service, variable) => {
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
        await expect(attempt).rejects.toThrow(
          `The ${service} could not listen on 127.0.0.1:${ports[key]}: the port is in use. ` +
            `Set ${variable} to another port.`,
        );
      } finally {
        await new Promise((resolve) => blocker?.close(resolve));
      }
      // Everything that had started was stopped again: every port is free.
      for (const port of Object.values(ports))
        await expect(assertPortFree(port, 'x')).resolves.toBeUndefined();
    },
  );

  it("has default ports below Linux's ephemeral range (32768–60999)", () => {
    for (const port of Object.values(DEFAULT_PORTS)) expect(port).toBeLessThan(32768);
  });
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
