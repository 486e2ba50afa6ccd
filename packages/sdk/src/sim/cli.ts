import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatEvent, formatSummary } from './format.js';
import { DEVICE_KINDS, type DeviceKind } from './model.js';
import {
  alignToInterval,
  fileDeviceState,
  loadDevicesFile,
  parseDropoutSpec,
  parseDuration,
  parseExcursionSpec,
  parseScenario,
  runSimulation,
  type Scenario,
  type SimDevice,
} from './node.js';

// `anythingiot-sim` (or `npm run sim -- …`): simulated cold-store devices posting signed
// readings through the sdk client. Everything here is argument parsing and printing; the
// behaviour lives in model.ts and run.ts so tests can drive it as a library.
const USAGE = `Usage: anythingiot-sim (--devices <file> | --device <id>:<secret>[:<kind>] …) [options]

Devices
  --devices <file>        JSON [{"deviceId","secret","kind"}] or {"devices":[…]} (e.g. .data/demo-devices.json)
  --device <id>:<secret>[:<kind>]   one device; repeatable
  --kind <kind>           kind for devices that name none: ${DEVICE_KINDS.join(' | ')} (default fridge)

Where and how fast
  --url <url>             ingest endpoint (default http://127.0.0.1:8787/v1/ingest, i.e. npm run dev)
  --interval <duration>   simulated time between readings of a device (default 60s)
  --batch <n>             readings per post (default 1)
  --from <when>           start of simulated time: now | --from=-2h (2 hours ago; the = is
                          needed before a leading dash) | an ISO time (default now)
  --speed <n|max>         simulated seconds per real second (default 1); never runs ahead of
                          the wall clock, so it replays a --from in the past, then goes live
  --duration <duration>   stop after this much simulated time (default: until Ctrl-C)
  --seed <n>              random seed; same seed, same readings (default 1)

Scripted events (offsets from --from)
  --excursion <device|*>@+<at>:<duration>:<±°C>   e.g. dev_abc@+2m:30m:+6; repeatable
  --dropout <device|*>@+<at>:<duration>           no network, readings buffered, then backfilled
  --scenario <file>       {"excursions":[{"device","at","duration","delta"}],"dropouts":[{"device","at","duration"}]}

Other
  --state-dir <dir>       per-device buffers and sequence numbers (default .data/sim)
  --summary <duration>    real time between summary lines (default 10s)

Durations: 500ms, 30s, 2m, 1h30m (a bare number is seconds).`;

class UsageError extends Error {}

function parse() {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string' },
      device: { type: 'string', multiple: true },
      kind: { type: 'string', default: 'fridge' },
      url: { type: 'string', default: 'http://127.0.0.1:8787/v1/ingest' },
      interval: { type: 'string', default: '60s' },
      batch: { type: 'string', default: '1' },
      from: { type: 'string', default: 'now' },
      speed: { type: 'string', default: '1' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '1' },
      excursion: { type: 'string', multiple: true },
      dropout: { type: 'string', multiple: true },
      scenario: { type: 'string' },
      'state-dir': { type: 'string', default: '.data/sim' },
      summary: { type: 'string', default: '10s' },
      help: { type: 'boolean', default: false },
    },
  });
  return values;
}

type Args = ReturnType<typeof parse>;

function kindOf(value: string, where: string): DeviceKind {
  if (!DEVICE_KINDS.includes(value as DeviceKind)) {
    throw new UsageError(`${where}: kind must be one of ${DEVICE_KINDS.join(', ')}`);
  }
  return value as DeviceKind;
}

function integer(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return n;
}

function duration(value: string, name: string): number {
  try {
    const ms = parseDuration(value);
    if (ms <= 0) throw new SyntaxError('must be positive');
    return ms;
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

function startTime(value: string, intervalMs: number): number {
  const now = Date.now();
  let at: number;
  if (value === 'now') at = now;
  else if (value.startsWith('-')) at = now - duration(value.slice(1), 'from');
  else {
    at = Date.parse(value);
    if (Number.isNaN(at)) throw new UsageError('--from must be now, -<duration> or an ISO time');
  }
  return alignToInterval(at, intervalMs);
}

async function devicesFrom(args: Args): Promise<SimDevice[]> {
  const defaultKind = kindOf(args.kind, '--kind');
  const devices: SimDevice[] = [];
  if (args.devices) {
    try {
      devices.push(...(await loadDevicesFile(args.devices, defaultKind)));
    } catch (err) {
      throw new UsageError(`--devices: ${(err as Error).message}`);
    }
  }
  for (const spec of args.device ?? []) {
    const [deviceId, secret, kind, ...rest] = spec.split(':');
    if (!deviceId || !secret || rest.length > 0) {
      throw new UsageError(`--device ${spec}: expected <id>:<secret>[:<kind>]`);
    }
    devices.push({
      deviceId,
      secret,
      kind: kind ? kindOf(kind, `--device ${deviceId}`) : defaultKind,
    });
  }
  if (devices.length === 0) throw new UsageError('Give devices with --devices or --device.');
  const ids = new Set(devices.map((d) => d.deviceId));
  if (ids.size !== devices.length) throw new UsageError('A device is listed twice.');
  return devices;
}

async function scenarioFrom(args: Args): Promise<Scenario> {
  const scenario: Scenario = { excursions: [], dropouts: [] };
  try {
    if (args.scenario) {
      const file = parseScenario(JSON.parse(await readFile(args.scenario, 'utf8')));
      scenario.excursions.push(...file.excursions);
      scenario.dropouts.push(...file.dropouts);
    }
    scenario.excursions.push(...(args.excursion ?? []).map(parseExcursionSpec));
    scenario.dropouts.push(...(args.dropout ?? []).map(parseDropoutSpec));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return scenario;
}

async function main() {
  let args: Args;
  try {
    args = parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const intervalMs = duration(args.interval, 'interval');
  const speed = args.speed === 'max' ? Number.POSITIVE_INFINITY : Number(args.speed);
  if (!(speed > 0)) throw new UsageError('--speed must be a positive number or max');
  const start = startTime(args.from, intervalMs);
  if (speed > 1 && start >= Date.now()) {
    console.error('note: --speed only matters with a --from in the past; running live.');
  }
  const options = {
    url: args.url,
    devices: await devicesFrom(args),
    seed: integer(args.seed, 'seed', 0),
    intervalMs,
    batchSize: integer(args.batch, 'batch', 1),
    speed,
    start,
    durationMs: args.duration ? duration(args.duration, 'duration') : undefined,
    scenario: await scenarioFrom(args),
    summaryEveryMs: duration(args.summary, 'summary'),
  };
  if (options.batchSize > 1_000) throw new UsageError('--batch: the api takes at most 1000');
  const stateDir = args['state-dir'];

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    // A second Ctrl-C means "now": buffered readings are on disk already.
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error('\nStopping (buffered readings stay in the state directory)…');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  console.log(
    `anythingiot-sim: ${options.devices.length} devices → ${options.url} from ` +
      `${new Date(start).toISOString()} every ${args.interval}, seed ${options.seed}, state ${stateDir}`,
  );
  const summary = await runSimulation({
    ...options,
    signal: controller.signal,
    stateFor: (id) => fileDeviceState(stateDir, id),
    onSummary: (s) => console.log(formatSummary(s)),
    onEvent: (e) => console.log(formatEvent(e)),
  });
  console.log(formatSummary(summary));
  return summary.stopped > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`${err.message}\n\n${USAGE}`);
  process.exitCode = 2;
}
