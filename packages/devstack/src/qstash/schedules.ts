import { CronExpressionParser } from 'cron-parser';
import { badRequest } from './api-error.js';
import { newId } from './ids.js';
import type { QStashStore } from './store.js';
import type { NewMessage, StoredSchedule } from './types.js';

const MONTHS = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const DAYS = 'SUN|MON|TUE|WED|THU|FRI|SAT';
// Standard 5-field cron: numbers, * , - / and month/day names. cron-parser also takes seconds,
// L, #, H and @daily-style macros, which QStash's parser does not; those are refused here.
const FIELD_PATTERNS = [
  /^[\d*,/-]+$/,
  /^[\d*,/-]+$/,
  /^[\d*,/?-]+$/,
  new RegExp(`^(?:[\\d*,/-]|${MONTHS})+$`, 'i'),
  new RegExp(`^(?:[\\d*,/?-]|${DAYS})+$`, 'i'),
];
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

type ParsedCron = { fields: string; tz: string };

function splitCron(cron: string): ParsedCron {
  const match = /^\s*CRON_TZ=(\S+)\s+(.*)$/.exec(cron);
  return match ? { tz: match[1]!, fields: match[2]!.trim() } : { tz: 'UTC', fields: cron.trim() };
}

/** The first tick of `cron` strictly after `afterMs` (epoch ms). */
export function nextRun(cron: string, afterMs: number): number {
  const { fields, tz } = splitCron(cron);
  return CronExpressionParser.parse(fields, { currentDate: new Date(afterMs), tz })
    .next()
    .getTime();
}

/**
 * Refuses what QStash refuses: anything but five fields (its resolution is one minute), values
 * out of range, unknown syntax or an unknown `CRON_TZ=` zone. Throws ApiError 400.
 */
export function validateCron(cron: string): void {
  const { fields } = splitCron(cron);
  const parts = fields.split(/\s+/);
  if (parts.length !== 5) {
    throw badRequest(
      `invalid Upstash-Cron header: "${cron}" has ${parts.length} fields; expected 5 ` +
        '(minute hour day-of-month month day-of-week, optionally prefixed with CRON_TZ=<zone>)',
    );
  }
  parts.forEach((part, i) => {
    if (!FIELD_PATTERNS[i]!.test(part)) {
      throw badRequest(
        `invalid Upstash-Cron header: "${cron}": bad ${FIELD_NAMES[i]} field "${part}"`,
      );
    }
  });
  try {
    nextRun(cron, Date.now());
  } catch (err) {
    throw badRequest(`invalid Upstash-Cron header: "${cron}": ${(err as Error).message}`);
  }
}

/** The message a schedule publishes at a tick: like a publish, tagged with the schedule id. */
export function scheduledMessage(schedule: StoredSchedule, nowMs: number): NewMessage {
  return {
    destination: schedule.destination,
    method: schedule.method,
    headers: schedule.headers,
    body: schedule.body,
    maxRetries: schedule.maxRetries,
    timeoutMs: schedule.timeoutMs,
    retryDelay: schedule.retryDelay,
    callback: schedule.callback,
    failureCallback: schedule.failureCallback,
    label: schedule.label,
    callerIp: schedule.callerIp,
    id: newId('msg_'),
    notBefore: nowMs + schedule.delayMs,
    createdAt: nowMs,
    scheduleId: schedule.id,
    dedupId: null,
  };
}

/**
 * Publishes one message for every due, unpaused schedule and moves it to its next tick after
 * `nowMs` (ticks missed while the emulator was down collapse into one, as a late cron would).
 */
export function fireDueSchedules(store: QStashStore, nowMs: number): Promise<number> {
  return store.fireDueSchedules(nowMs, (schedule) => ({
    message: scheduledMessage(schedule, nowMs),
    nextRunAt: nextRun(schedule.cron, nowMs),
  }));
}
