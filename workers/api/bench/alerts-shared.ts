import {
  type AlertRuleInput,
  type Excursion,
  type ExcursionRule,
  findExcursions,
  newDeviceSecret,
  newId,
  parseKeyring,
  type Role,
  sealSecret,
  signDeviceRequest,
} from '@anythingiot/core';
import {
  type Arrival,
  generateScenario,
  type OracleScore,
  type Scenario,
  type ScenarioOptions,
  scoreAgainstOracle,
} from '@anythingiot/core/alerts/testing';
import { alertRuleRepo, createTenant, type Database, deviceRepo, schema } from '@anythingiot/db';
import { inArray } from 'drizzle-orm';

// Shared by `npm run bench:alerts` (live latency and the correctness run) and the oracle test
// (workers/api/test/alerts-oracle.test.ts): seeding, signed posts, and scoring what Postgres
// holds against the offline oracle. Nothing here knows whether the api runs in workerd or Node.

const SYSTEM = { type: 'system' as const, id: 'bench-alerts' };
const META = { actor: SYSTEM, requestId: null };

/** `select …` through whichever client the caller holds (pg.Client, the test's pool). */
export type Query = <R extends Record<string, unknown>>(
  text: string,
  params?: unknown[],
) => Promise<{ rows: R[] }>;

/** Sends one request to the api: `fetch` against a served Worker, or `app.request` in-process. */
export type Send = (path: string, init: RequestInit) => Promise<Response>;

export type BenchDevice = { id: string; secret: string; lastTimestamp: number };

/** A tenant with `count` devices reporting every `expectedIntervalSeconds`. */
export async function seedTenantWithDevices(
  db: Database,
  secretsKeyring: string,
  input: { count: number; expectedIntervalSeconds: number; name?: string },
) {
  const tenant = await createTenant(
    db,
    { name: input.name ?? 'Alerts bench', slug: newId('request') },
    SYSTEM,
  );
  const keyring = await parseKeyring(secretsKeyring);
  const devices: BenchDevice[] = [];
  for (let i = 0; i < input.count; i++) {
    const secret = newDeviceSecret();
    const d = await deviceRepo(db, tenant.id).create(
      { name: `fridge-${String(i).padStart(4, '0')}` },
      await sealSecret(keyring, secret),
      keyring.current,
      META,
    );
    devices.push({ id: d.id, secret, lastTimestamp: 0 });
  }
  for (let i = 0; i < devices.length; i += 500) {
    await db
      .update(schema.devices)
      .set({ expectedIntervalSeconds: input.expectedIntervalSeconds })
      .where(
        inArray(
          schema.devices.id,
          devices.slice(i, i + 500).map((d) => d.id),
        ),
      );
  }
  return { tenantId: tenant.id, devices };
}

/** The rule both runs use unless told otherwise: pharma 2–8 °C, deadband 0.5 °C, tenant-wide. */
export function pharmaRule(durationSeconds: number): AlertRuleInput {
  return {
    name: `Refrigerated 2–8 °C for ${durationSeconds} s`,
    scope: { kind: 'tenant' },
    metric: 'temperature',
    condition: { kind: 'outside', low: 2, high: 8 },
    durationSeconds,
    deadband: 0.5,
    severity: 'critical',
    schedule: null,
    enabled: true,
  };
}

/** Creates the rule through the same repository the REST route uses. */
export function seedRule(db: Database, tenantId: string, rule: AlertRuleInput) {
  return alertRuleRepo(db, tenantId).create(rule, null, META);
}

/** A user with a membership in the tenant: the default notification policy emails owners. */
export async function seedMemberUser(db: Database, tenantId: string, role: Role) {
  const userId = newId('user');
  const email = `${role}-${userId}@example.com`;
  await db.insert(schema.users).values({ id: userId, email, name: role });
  await db
    .insert(schema.memberships)
    .values({ id: newId('membership'), tenantId, userId, role, deactivatedAt: null });
  return { userId, email };
}

export type PostResult = { status: number; ms: number; body: unknown };

/** One signed post of temperature readings, as a device sends it. */
export async function postReadings(
  send: Send,
  device: BenchDevice,
  readings: readonly { ts: number; value: number }[],
): Promise<PostResult> {
  const body = JSON.stringify({
    readings: readings.map((r) => ({
      ts: new Date(r.ts).toISOString(),
      metrics: { temperature: r.value },
    })),
  });
  // X-Timestamp must be fresh and, with the replay guard, never repeat for a device.
  device.lastTimestamp = Math.max(device.lastTimestamp + 1, Date.now());
  const timestamp = String(device.lastTimestamp);
  const started = performance.now();
  const res = await send('/v1/ingest', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': device.id,
      'x-timestamp': timestamp,
      'x-signature': await signDeviceRequest(device.secret, body, timestamp),
    },
    body,
  });
  const answer = await res.json().catch(() => null);
  return { status: res.status, ms: performance.now() - started, body: answer };
}

export type Distribution = { count: number; p50: number; p99: number; max: number };

/** Nearest-rank percentiles (p50, p99) and the maximum of `values`. */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
  return {
    count: sorted.length,
    p50: at(0.5) ?? Number.NaN,
    p99: at(0.99) ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export const formatMs = (d: Distribution) =>
  `p50 ${d.p50.toFixed(0)} ms   p99 ${d.p99.toFixed(0)} ms   max ${d.max.toFixed(0)} ms   (n = ${d.count})`;

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// The correctness run: scenarios in, posts in arrival order, Postgres scored against the oracle.

export type OracleRunOptions = {
  devices: number;
  hours: number;
  intervalSeconds: number;
  ruleDurationSeconds: number;
  seed: number;
  /** Readings a device may buffer into one post (1…maxBatch, random per post). */
  maxBatch: number;
  concurrency: number;
  /** Scenario knobs beyond the defaults (excursions, dropouts, backfills per hour…). */
  scenario?: Partial<ScenarioOptions>;
};

export type DeviceScenario = { device: BenchDevice; scenario: Scenario };

/**
 * One scenario per device, placed so that its last reading is about 15 minutes before now:
 * every event time is in the past, within the ingest window, and identical to the oracle's.
 */
export function scenariosFor(devices: readonly BenchDevice[], o: OracleRunOptions) {
  const intervalMs = o.intervalSeconds * 1_000;
  const durationMs = o.hours * 3_600_000;
  const startMs = Math.floor((Date.now() - durationMs - 15 * 60_000) / intervalMs) * intervalMs;
  return devices.map(
    (device, i): DeviceScenario => ({
      device,
      scenario: generateScenario(o.seed + i, {
        startMs,
        durationMs,
        intervalMs,
        maxBatch: o.maxBatch,
        ...o.scenario,
      }),
    }),
  );
}

export type PostTally = { posts: number; refused: Map<string, number>; acks: number[] };

/** Posts every device's arrivals in arrival order (devices in parallel, each one in order). */
export async function postArrivals(
  send: Send,
  runs: readonly DeviceScenario[],
  concurrency: number,
  onProgress?: (posted: number) => void,
): Promise<PostTally> {
  const tally: PostTally = { posts: 0, refused: new Map(), acks: [] };
  await pool(runs, concurrency, async ({ device, scenario }) => {
    for (const arrival of scenario.arrivals) await postArrival(send, device, arrival, tally);
    onProgress?.(tally.posts);
  });
  return tally;
}

async function postArrival(send: Send, device: BenchDevice, arrival: Arrival, tally: PostTally) {
  for (let attempt = 0; ; attempt++) {
    const r = await postReadings(send, device, arrival.points);
    tally.posts += 1;
    tally.acks.push(r.ms);
    if (r.status === 200) return;
    const code = (r.body as { code?: string } | null)?.code ?? '';
    const why = `${r.status} ${code}`.trim();
    tally.refused.set(why, (tally.refused.get(why) ?? 0) + 1);
    // A device retries what was not acknowledged (503 storage busy, 429); anything else is a bug.
    if ((r.status !== 503 && r.status !== 429) || attempt >= 5) {
      throw new Error(`post for ${device.id} answered ${why}: ${JSON.stringify(r.body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
  }
}

/** Excursion-check messages the api published, to know when the due checks have all run. */
export async function scheduledChecks(query: Query, tenantId: string) {
  const { rows } = await query<{ check_message_id: string }>(
    'select check_message_id from excursions where tenant_id = $1 and check_message_id is not null',
    [tenantId],
  );
  return rows.map((r) => r.check_message_id);
}

type StoredRow = {
  id: string;
  device_id: string;
  start_ts: Date;
  end_ts: Date | null;
  alert_at: Date | null;
  data_gap: boolean;
  alert_id: string | null;
};
type AlertRow = {
  id: string;
  device_id: string;
  excursion_id: string | null;
  merged_into: string | null;
  disqualified: boolean;
  data_gap: boolean;
  retrospective: boolean;
};

export type ExtraAlerts = {
  /** Raised on the readings known then; later data showed it too short (timeline says so). */
  disqualified: number;
  /** Raised by the due check on an excursion still open at the end of the data (no verdict yet). */
  openTail: number;
  /** Neither: a real error. */
  unexplained: number;
  /** The unexplained ones, to reproduce. */
  details: { deviceId: string; alertId: string; start: number; end: number | null }[];
};

export type OracleReport = OracleScore & {
  devices: number;
  readings: number;
  storedReadings: number;
  oracleExcursions: number;
  storedExcursions: number;
  alerts: number;
  retrospective: number;
  dataGap: number;
  /** Alerts that belong to no stored excursion and were not merged into one. */
  orphaned: number;
  extras: ExtraAlerts;
  /**
   * Informational, not part of the bar: qualifying excursions whose stored due instant or
   * data-gap flag differs from the oracle's (a due check that ran before later readings
   * arrived judges the gap on the readings it had).
   */
  alertAtDiffers: number;
  dataGapDiffers: number;
  /** Per device with a problem: what differs, for debugging. */
  problems: { deviceId: string; seed: number; score: OracleScore }[];
};

/**
 * Compares each device's stored excursions and alerts with `findExcursions` over the device's
 * full series (same rule, the tenant's time zone, maxGapMs = interval × OFFLINE_AFTER_INTERVALS).
 */
export async function scoreTenant(
  query: Query,
  input: {
    tenantId: string;
    rule: ExcursionRule;
    runs: readonly DeviceScenario[];
    intervalSeconds: number;
    offlineAfterIntervals: number;
  },
): Promise<OracleReport> {
  // One after the other: a pg.Client runs one query at a time.
  const { rows: tz } = await query<{ time_zone: string }>(
    'select time_zone from tenants where id = $1',
    [input.tenantId],
  );
  const { rows: excursions } = await query<StoredRow>(
    `select id, device_id, start_ts, end_ts, alert_at, data_gap, alert_id from excursions
      where tenant_id = $1 order by device_id, start_ts`,
    [input.tenantId],
  );
  const { rows: alerts } = await query<AlertRow>(
    `select a.id, a.device_id, a.excursion_id, a.data_gap, a.retrospective,
            (select e.detail->>'intoExcursionId' from alert_events e
              where e.alert_id = a.id and e.type = 'merged'
              order by e.id desc limit 1) as merged_into,
            exists (select 1 from alert_events e
                     where e.alert_id = a.id and e.type = 'disqualified') as disqualified
       from alerts a where a.tenant_id = $1 and a.kind = 'excursion'`,
    [input.tenantId],
  );
  const { rows: counts } = await query<{ device_id: string; n: string }>(
    `select device_id, count(*) as n from readings
      where tenant_id = $1 and metric = 'temperature' group by device_id`,
    [input.tenantId],
  );
  const timeZone = tz[0]!.time_zone;
  const opts = { maxGapMs: input.intervalSeconds * 1_000 * input.offlineAfterIntervals };
  const byDevice = groupBy(excursions, (e) => e.device_id);
  const alertsByExcursion = groupBy(
    alerts.filter((a) => (a.excursion_id ?? a.merged_into) !== null),
    (a) => (a.excursion_id ?? a.merged_into)!,
  );
  const excursionIds = new Set(excursions.map((e) => e.id));
  const stored = new Map(counts.map((c) => [c.device_id, Number(c.n)]));

  const report: OracleReport = {
    devices: input.runs.length,
    readings: 0,
    storedReadings: 0,
    oracleExcursions: 0,
    storedExcursions: excursions.length,
    alerts: alerts.length,
    retrospective: alerts.filter((a) => a.retrospective).length,
    dataGap: alerts.filter((a) => a.data_gap).length,
    orphaned: alerts.filter((a) => !excursionIds.has(a.excursion_id ?? a.merged_into ?? '')).length,
    qualifying: 0,
    missed: 0,
    duplicated: 0,
    wrongBoundaries: 0,
    extra: 0,
    extras: { disqualified: 0, openTail: 0, unexplained: 0, details: [] },
    alertAtDiffers: 0,
    dataGapDiffers: 0,
    problems: [],
  };
  for (const { device, scenario } of input.runs) {
    const oracle = findExcursions(input.rule, scenario.readings, timeZone, opts);
    const mine = byDevice.get(device.id) ?? [];
    const score = scoreAgainstOracle(
      oracle,
      mine.map((e) => ({
        start: e.start_ts.getTime(),
        end: e.end_ts?.getTime() ?? null,
        alerts: alertsByExcursion.get(e.id)?.length ?? 0,
      })),
    );
    report.readings += scenario.readings.length;
    report.storedReadings += stored.get(device.id) ?? 0;
    report.oracleExcursions += oracle.length;
    for (const k of ['qualifying', 'missed', 'duplicated', 'wrongBoundaries', 'extra'] as const) {
      report[k] += score[k];
    }
    if (score.missed + score.duplicated + score.wrongBoundaries > 0) {
      report.problems.push({ deviceId: device.id, seed: scenario.seed, score });
    }
    classifyExtras(report.extras, oracle, mine, alertsByExcursion);
    const byStart = new Map(mine.map((e) => [e.start_ts.getTime(), e]));
    for (const truth of oracle) {
      const e = byStart.get(truth.start);
      if (truth.alertAt === null || !e) continue;
      if (e.alert_at?.getTime() !== truth.alertAt) report.alertAtDiffers += 1;
      if (e.data_gap !== truth.dataGap) report.dataGapDiffers += 1;
    }
  }
  return report;
}

/** Why each alert on an excursion the oracle calls transient exists (see {@link ExtraAlerts}). */
function classifyExtras(
  extras: ExtraAlerts,
  oracle: readonly Excursion[],
  mine: readonly StoredRow[],
  alertsByExcursion: Map<string, AlertRow[]>,
) {
  const truth = new Map(oracle.map((e) => [e.start, e]));
  for (const e of mine) {
    const linked = alertsByExcursion.get(e.id) ?? [];
    if (linked.length === 0 || (truth.get(e.start_ts.getTime())?.alertAt ?? null) !== null) {
      continue;
    }
    for (const a of linked) {
      if (a.disqualified) extras.disqualified += 1;
      else if (e.end_ts === null) extras.openTail += 1;
      else {
        extras.unexplained += 1;
        extras.details.push({
          deviceId: e.device_id,
          alertId: a.id,
          start: e.start_ts.getTime(),
          end: e.end_ts?.getTime() ?? null,
        });
      }
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string) {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The correctness counts as the bench prints them. */
export function printOracleReport(r: OracleReport, log: (line: string) => void = console.log) {
  log(`  devices ${r.devices}, readings ${r.readings} (stored ${r.storedReadings})`);
  log(`  excursions: oracle ${r.oracleExcursions}, stored ${r.storedExcursions}`);
  log(
    `  alerts raised ${r.alerts} (retrospective ${r.retrospective}, data gap ${r.dataGap}, orphaned ${r.orphaned})`,
  );
  log(`  qualifying (oracle)  ${r.qualifying}`);
  log(`  missed               ${r.missed}`);
  log(`  duplicated           ${r.duplicated}`);
  log(`  wrong start/end      ${r.wrongBoundaries}`);
  log(
    `  extra                ${r.extra}   (disqualified by later data ${r.extras.disqualified}, due check on the open last excursion ${r.extras.openTail}, unexplained ${r.extras.unexplained})`,
  );
  log(
    `  qualifying excursions whose stored due instant / data-gap flag differ from the oracle: ${r.alertAtDiffers} / ${r.dataGapDiffers}`,
  );
  for (const d of r.extras.details.slice(0, 10)) {
    log(
      `  unexplained: ${JSON.stringify({ ...d, start: new Date(d.start), end: d.end && new Date(d.end) })}`,
    );
  }
  for (const p of r.problems.slice(0, 10)) {
    log(`  problem: device ${p.deviceId} (seed ${p.seed}) ${JSON.stringify(p.score)}`);
  }
}

/** The bar: nothing missed, duplicated, misplaced, orphaned or unexplained, all data stored. */
export function oraclePassed(r: OracleReport) {
  return (
    r.missed === 0 &&
    r.duplicated === 0 &&
    r.wrongBoundaries === 0 &&
    r.orphaned === 0 &&
    r.extras.unexplained === 0 &&
    r.readings === r.storedReadings
  );
}
