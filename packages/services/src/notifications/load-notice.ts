import { type AlertNotice, alertLink, describeCondition, unitOfMetric } from '@anythingiot/core';
import {
  type Alert,
  alertRuleRepo,
  type Database,
  deviceRepo,
  facilityRepo,
} from '@anythingiot/db';

/**
 * Gathers what a notification says about an alert: the device and facility names, the
 * facility's time zone, and the rule's threshold in words. Read at send time, so a retry
 * after a rename shows the current names.
 */
export async function loadNotice(
  db: Database,
  alert: Alert,
  step: { tier: number; repeat: number },
  appUrl: string,
): Promise<AlertNotice> {
  const [device, facility, rule] = await Promise.all([
    deviceRepo(db, alert.tenantId).get(alert.deviceId),
    alert.facilityId ? facilityRepo(db, alert.tenantId).get(alert.facilityId) : undefined,
    alert.ruleId ? alertRuleRepo(db, alert.tenantId).get(alert.ruleId) : undefined,
  ]);
  const unit = alert.metric ? unitOfMetric(alert.metric) : null;
  return {
    alertId: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    title: alert.title,
    deviceName: device?.name ?? alert.deviceId,
    facilityName: facility?.name ?? null,
    timeZone: facility?.timeZone ?? 'UTC',
    metric: alert.metric,
    unit,
    value: alert.peak,
    threshold: rule ? describeCondition(rule.condition, unit) : null,
    startedAtMs: alert.startedAt.getTime(),
    dataGap: alert.dataGap,
    retrospective: alert.retrospective,
    link: alertLink(appUrl, alert.id),
    tier: step.tier,
    repeat: step.repeat,
  };
}
