import {
  type OracleRunOptions,
  oraclePassed,
  pharmaRule,
  postArrivals,
  printOracleReport,
  scenariosFor,
  scoreTenant,
  seedRule,
  seedTenantWithDevices,
} from './alerts-shared.js';
import type { AlertsStack, Runtime } from './alerts-stack.js';

/**
 * The correctness run: every device's generated scenario (excursions, oscillations, dropouts,
 * late and duplicated posts, backfills) posted through the api in arrival order, then the
 * excursions and alerts in Postgres scored against findExcursions over the full series.
 */
export async function runCorrectness(s: AlertsStack, o: OracleRunOptions, runtime: Runtime) {
  const { tenantId, devices } = await seedTenantWithDevices(s.db, s.env.SECRETS_KEYRING!, {
    count: o.devices,
    expectedIntervalSeconds: o.intervalSeconds,
  });
  const rule = pharmaRule(o.ruleDurationSeconds);
  await seedRule(s.db, tenantId, rule);
  const runs = scenariosFor(devices, o);
  const arrivals = runs.reduce((n, r) => n + r.scenario.arrivals.length, 0);
  const kinds = new Map<string, number>();
  for (const e of runs.flatMap((r) => r.scenario.events)) {
    kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  }
  console.log(
    `correctness: ${o.devices} devices × ${o.hours} h at one reading per ${o.intervalSeconds} s = ${o.devices * o.hours} device-hours, ${arrivals} posts (1…${o.maxBatch} readings each), seed ${o.seed}, api in ${runtime}, concurrency ${o.concurrency}`,
  );
  console.log(
    `  scripted: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}; rule outside 2–8 °C for ${o.ruleDurationSeconds} s, deadband 0.5`,
  );
  const started = performance.now();
  let lastReport = started;
  const tally = await postArrivals(s.send, runs, o.concurrency, (posted) => {
    if (performance.now() - lastReport < 30_000) return;
    lastReport = performance.now();
    const rate = posted / ((lastReport - started) / 1_000);
    console.log(`  … ${posted}/${arrivals} posts, ${rate.toFixed(0)}/s`);
  });
  const elapsed = (performance.now() - started) / 1_000;
  const refused = [...tally.refused].map(([k, n]) => `${n} × ${k}`).join(', ');
  console.log(
    `  posted in ${elapsed.toFixed(0)} s (${(tally.posts / elapsed).toFixed(0)} posts/s; retried: ${refused || 'none'})`,
  );

  // Event times are in the past, so each due check was due when scheduled: let QStash deliver
  // everything, until the alerts stop changing.
  let before = '';
  for (;;) {
    await s.stack.qstash.drain();
    await new Promise((r) => setTimeout(r, 2_000));
    const { rows } = await s.query<{ n: string; v: string }>(
      `select count(*) as n, coalesce(sum(version), 0) as v from alerts where tenant_id = $1`,
      [tenantId],
    );
    const now = `${rows[0]!.n}/${rows[0]!.v}`;
    if (now === before) break;
    before = now;
  }
  const report = await scoreTenant(s.query, {
    tenantId,
    rule,
    runs,
    intervalSeconds: o.intervalSeconds,
    offlineAfterIntervals: Number(s.env.OFFLINE_AFTER_INTERVALS ?? 3),
  });
  printOracleReport(report);
  const ok = oraclePassed(report);
  console.log(`  ${ok ? 'PASS' : 'FAIL'}: missed = duplicated = wrong start/end = 0 is the bar`);
  return { ok };
}
