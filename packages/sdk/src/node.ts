import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BufferedReading, ReadingStore } from './store.js';

export * from './index.js';

/** Options for `fileStore`. */
export type FileStoreOptions = {
  /** Rewrite the file once this many consumed bytes sit at its head. */
  compactAtBytes?: number;
};

type Entry = { reading: BufferedReading; end: number };
type Header = { v: 1; gen: number };
type Offset = { gen: number; offset: number };

/**
 * Durable FIFO store for Node: an append-only JSON-lines file plus a separate offset file.
 *
 * Layout: `<path>` starts with a header line `{"v":1,"gen":N}` followed by one reading per line;
 * `<path>.offset` holds `{"gen":N,"offset":B}`, the byte position of the first unconsumed line.
 * Every append is fsynced before it resolves; the offset is replaced atomically (temp, fsync,
 * rename). Compaction writes the unconsumed lines to a new file with generation N+1 and renames
 * it over `<path>`; if the process dies before the offset file follows, the generation mismatch
 * on open says the new file holds exactly the pending readings, so nothing is skipped or replayed.
 */
export function fileStore(path: string, options: FileStoreOptions = {}): ReadingStore {
  const compactAtBytes = options.compactAtBytes ?? 1024 * 1024;
  const offsetPath = `${path}.offset`;
  let state: { gen: number; offset: number; size: number; entries: Entry[] } | undefined;
  // One operation at a time: interleaved appends and compactions would corrupt byte offsets.
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(op: () => Promise<T>): Promise<T> {
    const run = queue.then(op);
    queue = run.catch(() => undefined);
    return run;
  }

  async function load() {
    if (state) return state;
    const savedOffset = parseJson<Offset>(await readText(offsetPath));
    const data = await readBuffer(path);
    if (!data) {
      const gen = (savedOffset?.gen ?? -1) + 1;
      const header = headerLine(gen);
      await writeDurably(path, header);
      await writeOffset({ gen, offset: header.length });
      state = { gen, offset: header.length, size: header.length, entries: [] };
      return state;
    }

    const headerEnd = data.indexOf(0x0a);
    const header = headerEnd < 0 ? undefined : parseJson<Header>(data.subarray(0, headerEnd));
    if (header?.v !== 1 || typeof header.gen !== 'number') {
      throw new Error(`fileStore: ${path} is not a reading store (bad header)`);
    }
    // A generation mismatch means a compaction renamed its file but died before the offset
    // file caught up; the compacted file holds only pending readings.
    let offset = savedOffset && savedOffset.gen === header.gen ? savedOffset.offset : headerEnd + 1;
    offset = Math.min(Math.max(offset, headerEnd + 1), data.length);

    const entries: Entry[] = [];
    let pos = offset;
    let size = data.length;
    while (pos < data.length) {
      const nl = data.indexOf(0x0a, pos);
      if (nl < 0) {
        // A torn last line is an append that never resolved; cut it so the next append starts
        // on a line boundary.
        await truncateDurably(path, pos);
        size = pos;
        break;
      }
      const reading = parseJson<BufferedReading>(data.subarray(pos, nl));
      // A corrupt complete line is skipped rather than failing the whole backlog; its bytes
      // are consumed with the next removal because removal works on end positions.
      if (reading) entries.push({ reading, end: nl + 1 });
      pos = nl + 1;
    }
    state = { gen: header.gen, offset, size, entries };
    return state;
  }

  async function writeOffset(value: Offset) {
    const tmp = `${offsetPath}.tmp`;
    await writeDurably(tmp, JSON.stringify(value));
    await rename(tmp, offsetPath);
    await syncDir(dirname(path));
  }

  async function compact(s: NonNullable<typeof state>) {
    const gen = s.gen + 1;
    const header = headerLine(gen);
    let end = header.length;
    const lines = [header];
    const entries: Entry[] = [];
    for (const { reading } of s.entries) {
      const line = `${JSON.stringify(reading)}\n`;
      end += Buffer.byteLength(line);
      lines.push(line);
      entries.push({ reading, end });
    }
    const tmp = `${path}.tmp`;
    await writeDurably(tmp, lines.join(''));
    await rename(tmp, path);
    await syncDir(dirname(path));
    await writeOffset({ gen, offset: header.length });
    state = { gen, offset: header.length, size: end, entries };
  }

  return {
    append: (readings) =>
      serial(async () => {
        const s = await load();
        if (readings.length === 0) return;
        const lines = readings.map((r) => `${JSON.stringify(r)}\n`);
        const text = lines.join('');
        const fh = await open(path, 'a');
        try {
          await fh.writeFile(text);
          await fh.sync();
        } finally {
          await fh.close();
        }
        let end = s.size;
        readings.forEach((reading, i) => {
          end += Buffer.byteLength(lines[i]!);
          s.entries.push({ reading, end });
        });
        s.size = end;
      }),
    peek: (n) =>
      serial(async () => {
        const s = await load();
        return s.entries.slice(0, Math.max(0, n)).map((e) => e.reading);
      }),
    remove: (n) =>
      serial(async () => {
        const s = await load();
        const count = Math.min(Math.max(0, n), s.entries.length);
        if (count === 0) return;
        const offset = s.entries[count - 1]!.end;
        await writeOffset({ gen: s.gen, offset });
        s.offset = offset;
        s.entries = s.entries.slice(count);
        if (s.offset - headerLine(s.gen).length >= compactAtBytes) await compact(s);
      }),
    size: () => serial(async () => (await load()).entries.length),
  };
}

function headerLine(gen: number): string {
  return `${JSON.stringify({ v: 1, gen } satisfies Header)}\n`;
}

function parseJson<T>(bytes: Uint8Array | string | undefined): T | undefined {
  if (bytes === undefined) return undefined;
  try {
    const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

async function readBuffer(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readText(file: string): Promise<string | undefined> {
  return (await readBuffer(file))?.toString('utf8');
}

async function writeDurably(file: string, text: string) {
  const fh = await open(file, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function truncateDurably(file: string, length: number) {
  const fh = await open(file, 'r+');
  try {
    await fh.truncate(length);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a rename durable; some platforms (Windows) cannot open directories, which is fine. */
async function syncDir(dir: string) {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Best effort: the data itself was already fsynced.
  } finally {
    await fh?.close();
  }
}
