import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeviceClient, fileStore } from './node.js';
import type { BufferedReading } from './store.js';
import { startIngestServer } from './testing/ingest-server.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdk-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const reading = (seq: number): BufferedReading => ({
  ts: 1_767_225_600_000 + seq * 60_000,
  seq,
  metrics: { temperature: 4.2, humidity: 55, door: seq % 2, battery: 87 },
});
const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => reading(from + i));
const seqs = (rs: BufferedReading[]) => rs.map((r) => r.seq);

describe('fileStore', () => {
  it('survives re-open: pending readings, FIFO order and removals persist', async () => {
    const path = join(dir, 'buffer.jsonl');
    const a = fileStore(path);
    await a.append(range(0, 3));
    await a.append(range(3, 5));
    await a.remove(2);

    const b = fileStore(path);
    expect(await b.size()).toBe(3);
    expect(seqs(await b.peek(10))).toEqual([2, 3, 4]);
    await b.append(range(5, 7));
    await b.remove(1);

    const c = fileStore(path);
    expect(seqs(await c.peek(10))).toEqual([3, 4, 5, 6]);
    expect(seqs(await c.peek(2))).toEqual([3, 4]);
  });

  it('compacts the consumed prefix and keeps the rest in order', async () => {
    const path = join(dir, 'buffer.jsonl');
    const a = fileStore(path, { compactAtBytes: 500 });
    await a.append(range(0, 20));
    const before = (await stat(path)).size;

    await a.remove(15);

    const after = (await stat(path)).size;
    expect(after).toBeLessThan(before / 3);
    expect((await readFile(path, 'utf8')).split('\n')[0]).toBe('{"v":1,"gen":1}');
    expect(seqs(await fileStore(path).peek(100))).toEqual([15, 16, 17, 18, 19]);

    await a.append(range(20, 22));
    await a.remove(1);
    expect(seqs(await fileStore(path).peek(100))).toEqual([16, 17, 18, 19, 20, 21]);
  });

  it('reads a compacted file correctly when the offset update was lost in a crash', async () => {
    const path = join(dir, 'buffer.jsonl');
    const a = fileStore(path, { compactAtBytes: 1 });
    await a.append(range(0, 6));
    await a.remove(4); // compacts into generation 1

    // The crash window: the new file was renamed in, the offset file still says generation 0.
    await writeFile(`${path}.offset`, JSON.stringify({ gen: 0, offset: 400 }));

    expect(seqs(await fileStore(path).peek(100))).toEqual([4, 5]);
  });

  it('discards a torn last line from an append that never completed', async () => {
    const path = join(dir, 'buffer.jsonl');
    await fileStore(path).append(range(0, 3));
    await appendFile(path, '{"ts":1767225600000,"seq":99,"metr');

    const b = fileStore(path);
    expect(seqs(await b.peek(10))).toEqual([0, 1, 2]);
    await b.append(range(3, 4));
    expect(seqs(await fileStore(path).peek(10))).toEqual([0, 1, 2, 3]);
  });

  it('behaves like a FIFO queue across any sequence of operations and re-opens', async () => {
    type Op =
      | { kind: 'append'; count: number }
      | { kind: 'remove'; count: number }
      | { kind: 'reopen' };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('remove' as const), count: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant('reopen' as const) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 20 }), async (ops: Op[]) => {
        const path = join(dir, `model-${run++}.jsonl`);
        let store = fileStore(path, { compactAtBytes: 300 });
        const model: BufferedReading[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'append') {
            const rs = range(next, next + o.count);
            next += o.count;
            await store.append(rs);
            model.push(...rs);
          } else if (o.kind === 'remove') {
            await store.remove(o.count);
            model.splice(0, o.count);
          } else {
            store = fileStore(path, { compactAtBytes: 300 });
          }
          expect(await store.size()).toBe(model.length);
        }
        expect(await fileStore(path).peek(1_000)).toEqual(model);
      }),
      { numRuns: 40 },
    );
  });
});

describe('createDeviceClient with fileStore', () => {
  it('backfills readings buffered before a restart, oldest first', async () => {
    const deviceId = 'dev_01filestore';
    const secret = 'file-store-secret';
    const path = join(dir, 'buffer.jsonl');
    const api = await startIngestServer({ deviceId, secret });
    const port = api.port;
    await api.close();

    const before = createDeviceClient({
      url: api.url,
      deviceId,
      secret,
      store: fileStore(path),
      sleep: async () => {},
      retry: { attempts: 2 },
    });
    const offline = await before.send(range(0, 5));
    expect(offline).toMatchObject({ pending: 5, stopped: { reason: 'retries_exhausted' } });

    // A new process: new store instance on the same file, new client.
    await api.listen(port);
    try {
      const after = createDeviceClient({
        url: api.url,
        deviceId,
        secret,
        store: fileStore(path),
        maxBatch: 2,
      });
      const result = await after.flush();

      expect(result).toMatchObject({ accepted: 5, pending: 0, stopped: undefined });
      expect(api.accepted().flatMap((r) => seqs(r.readings))).toEqual([0, 1, 2, 3, 4]);
      expect(await fileStore(path).size()).toBe(0);
    } finally {
      await api.close();
    }
  });
});
