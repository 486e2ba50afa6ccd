import type { AlertEvent, LiveAlert } from '@anythingiot/core';
import type { Alert } from '@anythingiot/db';

/** What the live protocol shows of an alert (no people, no comments: those stay behind the API). */
export function liveAlert(alert: Alert): LiveAlert {
  return {
    id: alert.id,
    deviceId: alert.deviceId,
    facilityId: alert.facilityId,
    kind: alert.kind,
    severity: alert.severity,
    status: alert.status,
    title: alert.title,
    metric: alert.metric,
    startedAt: alert.startedAt.getTime(),
    endedAt: alert.endedAt?.getTime() ?? null,
    version: alert.version,
  };
}

/** The live event of an alert's change, from the committed row. */
export function liveAlertEvent(alert: Alert, change: AlertEvent['change'], at: number): AlertEvent {
  return { type: 'alert', change, at, alert: liveAlert(alert) };
}

/** A committed transition as the live change it is: resolved, acknowledged, or just cleared. */
export function transitionChange(before: Alert['status'], after: Alert): AlertEvent['change'] {
  if (after.status === 'resolved') return 'resolved';
  if (after.status === 'acknowledged' && before !== 'acknowledged') return 'acknowledged';
  return 'cleared';
}
