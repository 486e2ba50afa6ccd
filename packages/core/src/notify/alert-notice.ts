/**
 * Everything a notification about one alert says, gathered once by the job and rendered per
 * channel by the pure functions here. Times are event times in Unix ms; `timeZone` is the
 * facility's (an IANA name), so a night-shift operator reads the time on the wall clock.
 */
export type AlertNotice = {
  alertId: string;
  kind: 'excursion' | 'offline';
  severity: 'info' | 'warning' | 'critical';
  title: string;
  deviceName: string;
  facilityName: string | null;
  timeZone: string;
  metric: string | null;
  unit: string | null;
  /** The worst value seen (highest above, lowest below), if known. */
  value: number | null;
  /** What the rule allows, in words ("above 8 °C"); null when no rule applies (offline). */
  threshold: string | null;
  startedAtMs: number;
  dataGap: boolean;
  retrospective: boolean;
  /** Deep link to the alert in the dashboard. */
  link: string;
  /** 1 for the first round; higher tiers and repeats say "still unacknowledged". */
  tier: number;
  repeat: number;
};

/** The dashboard page of an alert: `${appUrl}/alerts/<id>`. */
export function alertLink(appUrl: string, alertId: string): string {
  return `${appUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alertId)}`;
}

/** A rule condition as stored (alert_rules.condition), in words with the metric's unit. */
export function describeCondition(condition: unknown, unit: string | null): string | null {
  if (typeof condition !== 'object' || condition === null) return null;
  const c = condition as { kind?: unknown; threshold?: unknown; low?: unknown; high?: unknown };
  const u = unit && unit !== 'open' ? ` ${unit}` : '';
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  if (c.kind === 'above' && num(c.threshold) !== undefined) return `above ${c.threshold}${u}`;
  if (c.kind === 'below' && num(c.threshold) !== undefined) return `below ${c.threshold}${u}`;
  if (c.kind === 'outside' && num(c.low) !== undefined && num(c.high) !== undefined) {
    return `outside ${c.low}–${c.high}${u}`;
  }
  if (c.kind === 'door_open') return 'door open';
  return null;
}

/**
 * `23 Nov 2026, 10:00 CET` in the given zone. An unknown zone falls back to UTC rather than
 * failing the notification: a late message is worse than one in the wrong zone.
 */
export function formatLocalTime(ms: number, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
  } catch {
    format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
  }
  return format.format(new Date(ms));
}

/** The reading in words, e.g. `temperature 9.1 °C`; door alerts say `door open`. */
export function describeValue(n: AlertNotice): string | null {
  if (n.kind === 'offline') return 'no data from the device';
  if (n.metric === 'door') return 'door open';
  if (n.value === null || n.metric === null) return null;
  const rounded = Math.round(n.value * 100) / 100;
  return `${n.metric} ${rounded}${n.unit ? ` ${n.unit}` : ''}`;
}

/** Where the device is, for subjects and SMS: `Vaccine fridge (Pharmacy Leeds)`. */
export function describePlace(n: AlertNotice): string {
  return n.facilityName ? `${n.deviceName} (${n.facilityName})` : n.deviceName;
}

/** `[CRITICAL]`, plus `ESCALATED` once the first round went unanswered. */
export function severityTag(n: AlertNotice): string {
  const escalated = n.tier > 1 || n.repeat > 0;
  return `[${n.severity.toUpperCase()}${escalated ? ' · ESCALATED' : ''}]`;
}
