import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LIVE_PROTOCOL_VERSION,
  newDeviceSecret,
  newId,
  parseKeyring,
  sealSecret,
  signDeviceRequest,
  signRoomToken,
} from '@anythingiot/core';
import { createTenant, deviceRepo, facilityRepo } from '@anythingiot/db';
import { migrateDatabase } from '@anythingiot/db/migrate';
import { createNodeDb } from '@anythingiot/db/node';
import { freePort, startWranglerDev } from '@anythingiot/devstack';
import WebSocket from 'ws';
import { startBenchStack } from './bench-stack.js';
import { cpuPerPost, sampleCpu } from './cpu.js';

// `npm run bench:realtime`: SOCKETS dashboards (1,000) in one tenant room of the real Worker
// (wrangler dev, workerd, the TenantRoom Durable Object), DEVICES devices (100) each posting a
// signed reading every INTERVAL_MS (10,000) through /v1/ingest for SECONDS (30, after a WARMUP of
// 3). Prints reading-accepted → socket-received latency (the message's `acceptedAt`, stamped by
// the Worker right after the commit, to its arrival at each socket — same machine clock) and
// messages delivered per second. Every socket subscribes to everything and acknowledges every
// 250 ms, as the dashboard does; FACILITIES (10) facilities hold the devices.
// By default sockets and posts go to the Worker's own port in workerd, as in production; PROXY=1
// goes through wrangler's local dev proxy instead (which adds a hop and runs out of file handles
// near 3,400 sockets).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOCKETS = Number(process.env.SOCKETS ?? 1_000);
const DEVICES = Number(process.env.DEVICES ?? 100);
const FACILITIES = Number(process.env.FACILITIES ?? 10);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 10_000);
const SECONDS = Number(process.env.SECONDS ?? 30);
const WARMUP = Number(process.env.WARMUP ?? 3);
const ACK_MS = 250;

const { dataDir, stack, stop } = await startBenchStack('realtime');
const sockets: WebSocket[] = [];
try {
  await migrateDatabase(stack.postgres.url(stack.database));
  const env = { ...stack.env, INGEST_RATE_LIMIT_PER_MINUTE: '1000000' };
  const handle = createNodeDb(env);
  const system = { type: 'system' as const, id: 'bench' };
  const meta = { actor: system, requestId: null };
  const tenant = await createTenant(handle.db, { name: 'Bench', slug: newId('request') }, system);
  const keyring = await parseKeyring(env.SECRETS_KEYRING!);
  const facilityIds: string[] = [];
  for (let i = 0; i < FACILITIES; i++) {
    facilityIds.push((await facilityRepo(handle.db, tenant.id).create({ name: `F${i}` }, meta)).id);
  }
  const devices: { id: string; secret: string }[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const secret = newDeviceSecret();
    const d = await deviceRepo(handle.db, tenant.id).create(
      { name: `bench-${i}`, facilityId: facilityIds[i % FACILITIES]! },
      await sealSecret(keyring, secret),
      keyring.current,
      meta,
    );
    devices.push({ id: d.id, secret });
  }
  await handle.close();

  const worker = await startWranglerDev({
    cwd: ROOT,
    port: await freePort(),
    env,
    envFile: join(dataDir, 'worker.env'),
  });
  try {
    const base = process.env.PROXY === '1' ? worker.url : await workerOwnUrl(worker.url);
    const roomUrl = new URL(`/parties/tenant/${tenant.id}`, base);
    roomUrl.protocol = roomUrl.protocol === 'https:' ? 'wss:' : 'ws:';

    // --- dashboards ------------------------------------------------------------------------
    let measuring = false;
    const latencies: number[] = [];
    let delivered = 0;
    let coalesced = 0;
    const connectStarted = performance.now();
    const connectOne = async (i: number) => {
      const { token } = await signRoomToken(env.REALTIME_TOKEN_SECRET!, {
        tenantId: tenant.id,
        userId: `usr_bench${i}`,
        role: 'admin',
        facilityIds: null,
        now: Date.now(),
      });
      const url = new URL(roomUrl);
      url.searchParams.set('token', token);
      const ws = new WebSocket(url, { perMessageDeflate: false });
      let highest = -1;
      let acked = -1;
      await new Promise<void>((resolve, reject) => {
        ws.once('error', reject);
        ws.on('message', (data) => {
          const text = String(data);
          const frame = JSON.parse(text) as {
            type: string;
            seq?: number;
            acceptedAt?: number;
            coalesced?: boolean;
          };
          if (frame.seq !== undefined && frame.seq > highest) highest = frame.seq;
          if (frame.type === 'subscribed') resolve();
          else if (frame.type === 'hello') {
            ws.send(
              JSON.stringify({
                v: LIVE_PROTOCOL_VERSION,
                type: 'subscribe',
                facilityIds: 'all',
                deviceIds: [],
              }),
            );
          } else if (frame.type === 'readings' && measuring) {
            delivered++;
            if (frame.coalesced) coalesced++;
            latencies.push(Date.now() - frame.acceptedAt!);
          }
        });
      });
      const timer = setInterval(() => {
        if (highest > acked && ws.readyState === WebSocket.OPEN) {
          acked = highest;
          ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, type: 'ack', seq: highest }));
        }
      }, ACK_MS);
      ws.once('close', () => clearInterval(timer));
      sockets.push(ws);
    };
    for (let i = 0; i < SOCKETS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, SOCKETS - i) }, (_, k) => connectOne(i + k)),
      );
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;

    // --- devices -----------------------------------------------------------------------------
    let failures = 0;
    const postLatencies: number[] = [];
    const ingestUrl = `${base}/v1/ingest`;
    const stopAt = performance.now() + (WARMUP + SECONDS) * 1000;
    let cpuBefore: ReturnType<typeof sampleCpu>;
    let measuredPosts = 0;
    setTimeout(() => {
      measuring = true;
      cpuBefore = sampleCpu();
    }, WARMUP * 1000);
    const started = performance.now();
    await Promise.all(
      devices.map(async (device, i) => {
        // Spread the devices over the interval, then each posts on its own clock.
        await new Promise((r) => setTimeout(r, (i * INTERVAL_MS) / DEVICES));
        while (performance.now() < stopAt) {
          const due = performance.now() + INTERVAL_MS;
          const body = JSON.stringify({
            readings: [{ ts: new Date().toISOString(), temperature: 4 + Math.random() }],
          });
          const timestamp = String(Date.now());
          const t0 = performance.now();
          try {
            const res = await fetch(ingestUrl, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-device-id': device.id,
                'x-timestamp': timestamp,
                'x-signature': await signDeviceRequest(device.secret, body, timestamp),
              },
              body,
            });
            await res.arrayBuffer();
            if (res.status !== 200) failures++;
            else if (measuring) {
              measuredPosts++;
              postLatencies.push(performance.now() - t0);
            }
          } catch {
            failures++;
          }
          await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        }
      }),
    );
    // Let the last messages land.
    await new Promise((r) => setTimeout(r, 1_000));
    measuring = false;
    const cpu = cpuPerPost(cpuBefore, sampleCpu(), measuredPosts);
    const elapsed = (performance.now() - started) / 1000 - WARMUP;

    latencies.sort((a, b) => a - b);
    postLatencies.sort((a, b) => a - b);
    const pct = (xs: number[], p: number) =>
      xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
    const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
    const expected = measuredPosts * SOCKETS;
    console.log(
      JSON.stringify(
        {
          sockets: SOCKETS,
          open,
          connectSeconds: Number(connectSeconds.toFixed(1)),
          devices: DEVICES,
          intervalMs: INTERVAL_MS,
          seconds: SECONDS,
          posts: measuredPosts,
          postsPerSecond: Math.round(measuredPosts / elapsed),
          postFailures: failures,
          ingestAckP50Ms: Math.round(pct(postLatencies, 50)),
          ingestAckP99Ms: Math.round(pct(postLatencies, 99)),
          delivered,
          expectedDeliveries: expected,
          coalesced,
          messagesPerSecond: Math.round(delivered / elapsed),
          acceptedToSocketMs: {
            p50: pct(latencies, 50),
            p95: pct(latencies, 95),
            p99: pct(latencies, 99),
            max: latencies.at(-1),
          },
          cpu,
          via: process.env.PROXY === '1' ? "wrangler's dev proxy" : "the Worker's own port",
          // The machine is shared: a busy neighbour shows here and in every latency above.
          loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
        },
        null,
        2,
      ),
    );
  } finally {
    for (const s of sockets) s.terminate();
    await worker.stop();
  }
} finally {
  await stop();
}

/**
 * Where workerd serves the api Worker itself, behind wrangler's dev proxy: of the ports our own
 * workerd processes listen on (Linux /proc), the one other than the proxy's that answers the
 * api's liveness check.
 */
async function workerOwnUrl(proxyUrl: string): Promise<string> {
  const proxyPort = Number(new URL(proxyUrl).port);
  const listening = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && cols[9]) {
        listening.set(cols[9], Number.parseInt(cols[1]?.split(':')[1] ?? '0', 16));
      }
    }
  }
  const parents = new Map<number, number>();
  const workerd: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(after[1]));
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'workerd') {
        workerd.push(Number(entry));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parents.get(pid); p && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  for (const pid of workerd.filter(ours)) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let port: number | undefined;
      try {
        const inode = /socket:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        port = inode ? listening.get(inode) : undefined;
      } catch {
        continue;
      }
      if (!port || port === proxyPort) continue;
      const url = `http://127.0.0.1:${port}`;
      const res = await fetch(`${url}/v1/health`).catch(() => undefined);
      if (res?.status === 200 && res.headers.get('content-type')?.includes('json')) return url;
    }
  }
  throw new Error("the Worker's own port was not found; run with PROXY=1");
}
