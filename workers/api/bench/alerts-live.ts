import { seededRandom } from '@anythingiot/core/alerts/testing';
import {
  type BenchDevice,
  distribution,
  formatMs,
  pharmaRule,
  postReadings,
  seedMemberUser,
  seedRule,
  seedTenantWithDevices,
} from './alerts-shared.js';
import type { AlertsStack } from './alerts-stack.js';

export type LiveOptions = {
  devices: number;
  /** Seconds of real-time driving. */
  seconds: number;
  /** Scripted excursions that last longer than the rule's duration (each must alert once). */
  excursions: number;
  /** Scripted excursions shorter than the duration (none may alert). */
  transients: number;
  intervalSeconds: number;
  ruleDurationSeconds: number;
  /** Posts in flight at most; beyond it devices queue and report late (printed as lag). */
  concurrency: number;
};

type Scripted = {
  device: BenchDevice;
  kind: 'qualifying' | 'transient';
  /** Wall-clock window in which the device reports 10–10.5 °C. */
  from: number;
  to: number;
};

/**
 * Devices report every interval in real time (event time = wall time) while scripted excursions
 * run on a subset at staggered times; then every alert's tier-1 emails are matched to what the
 * catcher accepted and timed from the excursion's due instant (start + the rule's duration).
 */
export async function runLive(s: AlertsStack, o: LiveOptions) {
  const intervalMs = o.intervalSeconds * 1_000;
  const { tenantId, devices } = await seedTenantWithDevices(s.db, s.env.SECRETS_KEYRING!, {
    count: o.devices,
    expectedIntervalSeconds: o.intervalSeconds,
  });
  await seedRule(s.db, tenantId, pharmaRule(o.ruleDurationSeconds));
  // The default notification policy's tier 1 emails owners, admins and managers at once; an
  // operator is not in it and must get nothing.
  const recipients = [
    await seedMemberUser(s.db, tenantId, 'owner'),
    await seedMemberUser(s.db, tenantId, 'manager'),
  ];
  const bystander = await seedMemberUser(s.db, tenantId, 'operator');

  // Excursions start after a warm-up round (credential caches) and end before the run does.
  const rand = seededRandom(42);
  const t0 = Date.now() + 2_000;
  const qualifyingMs = (o.ruleDurationSeconds + 3 * o.intervalSeconds) * 1_000;
  const transientMs = Math.max(1, Math.floor(o.ruleDurationSeconds / 2)) * 1_000;
  const firstStart = t0 + 2 * intervalMs;
  const lastStart = t0 + o.seconds * 1_000 - qualifyingMs - 2 * intervalMs;
  if (lastStart <= firstStart) throw new Error('--seconds is too short for the rule duration');
  const kinds: Scripted['kind'][] = [
    ...Array.from({ length: o.excursions }, () => 'qualifying' as const),
    ...Array.from({ length: o.transients }, () => 'transient' as const),
  ]
    .map((kind) => ({ kind, order: rand() }))
    .sort((a, b) => a.order - b.order)
    .map((k) => k.kind)
    .slice(0, devices.length);
  const scripted = new Map<string, Scripted>();
  kinds.forEach((kind, k) => {
    const device = devices[Math.floor((k * devices.length) / kinds.length)]!;
    const from = firstStart + rand() * (lastStart - firstStart);
    const to = from + (kind === 'qualifying' ? qualifyingMs : transientMs);
    scripted.set(device.id, { device, kind, from, to });
  });
  const total = kinds.length;

  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (inFlight < o.concurrency) {
      inFlight++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  const acks: number[] = [];
  const lags: number[] = [];
  const refused = new Map<string, number>();
  let skipped = 0;
  const deadline = t0 + o.seconds * 1_000;
  const started = Date.now();
  console.log(
    `driving ${o.devices} devices every ${o.intervalSeconds} s for ${o.seconds} s; ${total} scripted excursions (${[...scripted.values()].filter((x) => x.kind === 'transient').length} shorter than the rule)…`,
  );
  await Promise.all(
    devices.map(async (device, i) => {
      const phase = (i / devices.length) * intervalMs;
      for (let at = t0 + phase; at < deadline; at += intervalMs) {
        await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
        await acquire();
        try {
          const ts = Date.now();
          // A device that could not send for a whole interval sends its newest reading, not a
          // backlog: the slot it missed is counted, and the offered load stays what it was.
          if (ts - at >= intervalMs) {
            skipped += 1;
            continue;
          }
          lags.push(ts - at);
          const x = scripted.get(device.id);
          const value =
            x && ts >= x.from && ts < x.to
              ? 10 + rand() * 0.5
              : 4.5 + Math.round(rand() * 100) / 100;
          const r = await postReadings(s.send, device, [{ ts, value }]);
          acks.push(r.ms);
          if (r.status !== 200) {
            const why = `${r.status} ${(r.body as { code?: string } | null)?.code ?? ''}`.trim();
            refused.set(why, (refused.get(why) ?? 0) + 1);
          }
        } finally {
          release();
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1_000;

  // Emails still on their way: wait until every raised alert has one per tier-1 recipient.
  const alertsQuery = () =>
    s.query<{
      id: string;
      device_id: string;
      started_at: Date;
      alert_at: Date;
      raised_at: Date;
      data_gap: boolean;
    }>(
      `select id, device_id, started_at, alert_at, raised_at, data_gap from alerts
        where tenant_id = $1 and kind = 'excursion'`,
      [tenantId],
    );
  const sentEmails = async () =>
    (
      await s.query<{ n: string }>(
        `select count(*) as n from deliveries
          where tenant_id = $1 and channel = 'email' and status = 'sent'`,
        [tenantId],
      )
    ).rows[0]!.n;
  const settleBy = Date.now() + 60_000;
  for (;;) {
    const raised = (await alertsQuery()).rows.length;
    if (Number(await sentEmails()) >= raised * recipients.length || Date.now() > settleBy) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 2_000)); // anything more (a duplicate) shows up too

  const alerts = (await alertsQuery()).rows;
  const { rows: deliveries } = await s.query<{
    alert_id: string;
    channel: string;
    tier: number;
    status: string;
    recipient: string;
    provider_id: string | null;
  }>(
    `select alert_id, channel, tier, status, recipient, provider_id from deliveries
      where tenant_id = $1`,
    [tenantId],
  );
  const caught = await catcherEmails(s.stack.catcher.url);
  const caughtById = new Map(caught.map((m) => [m.id, m]));

  // Scripted excursions against alerts, per device.
  const alertsByDevice = new Map<string, typeof alerts>();
  for (const a of alerts)
    alertsByDevice.set(a.device_id, [...(alertsByDevice.get(a.device_id) ?? []), a]);
  let qualifying = 0;
  let alerted = 0;
  let missed = 0;
  let duplicated = 0;
  let transientAlerts = 0;
  // A short excursion whose device then went quiet past the due instant (skipped slots under
  // overload) is raised by the due check, marked data gap: the conservative answer, not an error.
  let transientGapAlerts = 0;
  for (const x of scripted.values()) {
    const mine = alertsByDevice.get(x.device.id) ?? [];
    if (x.kind === 'transient') {
      transientAlerts += mine.filter((a) => !a.data_gap).length;
      transientGapAlerts += mine.filter((a) => a.data_gap).length;
      continue;
    }
    qualifying += 1;
    if (mine.length === 0) missed += 1;
    else alerted += 1;
    if (mine.length > 1) duplicated += 1;
  }
  const unscripted = alerts.filter((a) => !scripted.has(a.device_id)).length;

  // Due instant → email accepted by the catcher, per email and per alert (its last email).
  const perEmail: number[] = [];
  const perAlert: number[] = [];
  const detection: number[] = [];
  const notification: number[] = [];
  const emailsPerAlert = new Map<number, number>();
  const emailsTo = new Map<string, number>();
  for (const a of alerts) {
    const due = a.alert_at.getTime();
    const emails = deliveries
      .filter((d) => d.alert_id === a.id && d.channel === 'email')
      .map((d) => (d.provider_id ? caughtById.get(d.provider_id) : undefined))
      .filter((m) => m !== undefined);
    emailsPerAlert.set(emails.length, (emailsPerAlert.get(emails.length) ?? 0) + 1);
    for (const m of emails) {
      perEmail.push(Date.parse(m.createdAt) - due);
      for (const to of m.payload.to) {
        const bare = (/<([^<>]+)>\s*$/.exec(to)?.[1] ?? to).trim().toLowerCase();
        emailsTo.set(bare, (emailsTo.get(bare) ?? 0) + 1);
      }
    }
    detection.push(a.raised_at.getTime() - due);
    if (emails.length > 0) {
      const last = Math.max(...emails.map((m) => Date.parse(m.createdAt)));
      perAlert.push(last - due);
      notification.push(last - a.raised_at.getTime());
    }
  }
  const tier1Emails = deliveries.filter((d) => d.channel === 'email' && d.tier === 1);
  const tierOther = deliveries.filter((d) => d.tier !== 1).length;

  console.log(
    `alerts through wrangler-served api: ${o.devices} devices every ${o.intervalSeconds} s, rule outside 2–8 °C for ${o.ruleDurationSeconds} s (deadband 0.5), ${o.seconds} s, concurrency ${o.concurrency}`,
  );
  const why = [...refused].map(([k, n]) => `${n} × ${k}`).join(', ');
  console.log(
    `  posts/s                 ${(acks.length / elapsed).toFixed(1)}  (${acks.length} posts, non-200: ${[...refused.values()].reduce((a, b) => a + b, 0)}${why ? `: ${why}` : ''}; offered ${(o.devices / o.intervalSeconds).toFixed(1)}/s)`,
  );
  console.log(`  ingest ack              ${formatMs(distribution(acks))}`);
  console.log(
    `  post lag behind schedule ${formatMs(distribution(lags))}; slots skipped (a whole interval late) ${skipped}`,
  );
  console.log(
    `  scripted excursions     ${qualifying} longer than the rule: ${alerted} alerted, ${missed} missed, ${duplicated} duplicated; ${scripted.size - qualifying} shorter: ${transientAlerts} alerts (+ ${transientGapAlerts} data-gap alerts: the device went quiet past the due instant); alerts on unscripted devices: ${unscripted}`,
  );
  console.log(
    `  alerts raised           ${alerts.length}; tier-1 email deliveries ${tier1Emails.length}, later-tier deliveries ${tierOther}`,
  );
  console.log(
    `  emails per alert        ${[...emailsPerAlert].map(([n, count]) => `${count} alerts × ${n}`).join(', ')}   (tier-1 recipients: ${recipients.length})`,
  );
  console.log(
    `  emails per recipient    ${recipients.map((r) => `${r.email.split('-')[0]} ${emailsTo.get(r.email.toLowerCase()) ?? 0}`).join(', ')}, operator (not tier 1) ${emailsTo.get(bystander.email.toLowerCase()) ?? 0}`,
  );
  console.log(`  due → email accepted    ${formatMs(distribution(perEmail))}   per email`);
  console.log(`  due → last email        ${formatMs(distribution(perAlert))}   per alert`);
  console.log(`  due → alert raised      ${formatMs(distribution(detection))}`);
  console.log(`  raised → last email     ${formatMs(distribution(notification))}`);
  return {
    ok:
      missed === 0 &&
      duplicated === 0 &&
      transientAlerts === 0 &&
      unscripted === 0 &&
      emailsPerAlert.size === 1 &&
      emailsPerAlert.has(recipients.length),
  };
}

type CaughtEmail = { id: string; createdAt: string; payload: { to: string[] } };

async function catcherEmails(catcherUrl: string): Promise<CaughtEmail[]> {
  const res = await fetch(new URL('/api/messages?kind=email', catcherUrl));
  if (!res.ok) throw new Error(`catcher answered ${res.status}`);
  return ((await res.json()) as { data: CaughtEmail[] }).data;
}
