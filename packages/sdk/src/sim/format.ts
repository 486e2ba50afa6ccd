import type { SimEvent, SimSummary } from './run.js';

/** One line a person can scan: where simulated time is and what happened to the readings. */
export function formatSummary(s: SimSummary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const at = s.simTime === undefined ? 'starting' : new Date(s.simTime).toISOString().slice(0, 19);
  return (
    `[sim ${at}] ${s.devices} devices (${s.offline} offline, ${s.retrying} retrying, ` +
    `${s.stopped} stopped) · generated ${n(s.generated)} · sent ${n(s.sent)} · ` +
    `accepted ${n(s.accepted)} · buffered ${n(s.buffered)} · errors ${n(s.errors)}` +
    (s.retrying > 0 && s.lastError ? ` · last failure: ${s.lastError}` : '')
  );
}

/** A dropout starting or ending, or a device the api refused. */
export function formatEvent(e: SimEvent): string {
  const at = new Date(e.at).toISOString().slice(0, 19);
  if (e.type === 'stopped')
    return `[sim ${at}] ${e.deviceId}: stopped, the api answered ${e.reason}`;
  if (e.type === 'command') return `[sim ${at}] ${e.deviceId}: command ${e.command} ${e.detail}`;
  return e.type === 'offline'
    ? `[sim ${at}] ${e.deviceId}: dropout, buffering`
    : `[sim ${at}] ${e.deviceId}: back online, backfilling`;
}
