import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileStore } from '../node.js';
import { DEVICE_KINDS, type DeviceKind } from './model.js';
import type { DeviceState, SimDevice } from './run.js';

export * from './index.js';

/**
 * A device's buffer and sequence counter under `dir`: `<id>.jsonl` (the sdk's file store) and
 * `<id>.seq`. A restarted simulator flushes what the last run could not deliver and continues
 * the device's sequence numbers, as a rebooted logger would.
 */
export async function fileDeviceState(dir: string, deviceId: string): Promise<DeviceState> {
  if (!/^[A-Za-z0-9_-]+$/.test(deviceId)) {
    // The id becomes a file name; anything else could escape the directory.
    throw new RangeError(`device id "${deviceId}" is not usable as a file name`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const seqPath = join(dir, `${deviceId}.seq`);
  return {
    store: fileStore(join(dir, `${deviceId}.jsonl`)),
    async loadNextSeq() {
      try {
        const n = Number((await readFile(seqPath, 'utf8')).trim());
        return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async saveNextSeq(next) {
      // Replaced atomically so a crash leaves the old or the new number, never a torn one.
      await writeFile(`${seqPath}.tmp`, String(next));
      await rename(`${seqPath}.tmp`, seqPath);
    },
  };
}

/**
 * Reads simulated devices from JSON: an array of `{deviceId, secret, kind?}` or an object with a
 * `devices` array of them (the shape of `.data/demo-devices.json`). Other fields are ignored.
 */
export async function loadDevicesFile(path: string, defaultKind: DeviceKind): Promise<SimDevice[]> {
  const json = JSON.parse(await readFile(path, 'utf8')) as unknown;
  const list = Array.isArray(json) ? json : (json as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(list)) {
    throw new TypeError(`${path}: expected [{deviceId, secret, kind}] or {"devices":[…]}`);
  }
  return list.map((item, i) => {
    const d = item as Record<string, unknown>;
    const kind = d.kind ?? defaultKind;
    if (typeof d.deviceId !== 'string' || typeof d.secret !== 'string') {
      throw new TypeError(`${path}: devices[${i}] needs a string deviceId and secret`);
    }
    if (!DEVICE_KINDS.includes(kind as DeviceKind)) {
      throw new TypeError(`${path}: devices[${i}].kind must be one of ${DEVICE_KINDS.join(', ')}`);
    }
    return { deviceId: d.deviceId, secret: d.secret, kind: kind as DeviceKind };
  });
}
