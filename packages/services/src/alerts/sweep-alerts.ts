import { describeDuration, newId } from '@anythingiot/core';
import {
  alertsAwaitingNotify,
  deviceAlertContext,
  insertAlert,
  markNotifyStarted,
  overdueExcursionChecks,
  silentDevices,
} from '@anythingiot/db';
import type { SystemCtx } from '../context.js';
import { liveAlertEvent } from '../live/alert-events.js';
import { startEscalation } from '../notifications/start-escalation.js';
import { checkExcursion } from './check-excursion.js';
import { EVALUATOR } from './evaluate-readings.js';
import { escalations, handOff } from './hand-off.js';

/** Work per sweep run; a backlog larger than this drains over the next runs, oldest first. */
const BATCH = 200;

export type SweepOutcome = { notified: number; checked: number; offline: number };

/**
 * The alert pipeline's safety net, run every minute by a QStash schedule:
 * 1. alerts committed but never handed to escalation (a crash between commit and publish);
 * 2. excursion checks that should have run (a lost or failed publish);
 * 3. devices silent for longer than expected interval × factor → one offline alert each.
 * Everything it does is idempotent, so overlapping runs are harmless.
 */
export async function sweepAlerts({
  ctx: { db, ports, requestId },
}: {
  ctx: Pick<SystemCtx, 'db' | 'ports' | 'requestId'>;
}): Promise<SweepOutcome> {
  const outcome: SweepOutcome = { notified: 0, checked: 0, offline: 0 };

  for (const { tenantId, alertId } of await alertsAwaitingNotify(db, BATCH)) {
    await startEscalation({
      ctx: { ports: { jobs: escalations(ports) } },
      input: { tenantId, alertId },
    });
    await markNotifyStarted(db, tenantId, alertId);
    outcome.notified++;
  }

  for (const job of await overdueExcursionChecks(db, BATCH)) {
    await checkExcursion({ ctx: { db, ports, requestId }, input: job });
    outcome.checked++;
  }

  for (const silent of await silentDevices(db, ports.offlineFactor, BATCH)) {
    const device = await deviceAlertContext(db, silent.tenantId, silent.deviceId);
    if (!device) continue;
    const limitMs = device.expectedIntervalSeconds * ports.offlineFactor * 1_000;
    const alert = await db.transaction((tx) =>
      insertAlert(
        tx,
        silent.tenantId,
        {
          id: newId('alert'),
          deviceId: silent.deviceId,
          facilityId: device.facilityId,
          kind: 'offline',
          ruleId: null,
          excursionId: null,
          metric: null,
          severity: 'warning',
          title: `${device.name}: offline (no data for over ${describeDuration(limitMs / 1_000)})`,
          startedAt: silent.lastSeenAt,
          endedAt: null,
          alertAt: new Date(silent.lastSeenAt.getTime() + limitMs),
          retrospective: false,
          dataGap: false,
          peak: null,
        },
        { actor: EVALUATOR, requestId },
      ),
    );
    if (!alert) continue; // another run raised it first
    const at = ports.now();
    await handOff(ports, db, silent.tenantId, {
      raised: [alert.id],
      checks: [],
      live: [
        liveAlertEvent(alert, 'opened', at),
        {
          type: 'device_status',
          deviceId: silent.deviceId,
          facilityId: device.facilityId,
          status: 'offline',
          at,
        },
      ],
    });
    outcome.offline++;
  }
  return outcome;
}
