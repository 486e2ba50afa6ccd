import type { AlertNotice } from './alert-notice.js';

/** Event types webhook receivers can switch on. */
export const WEBHOOK_EVENT_TYPES = ['alert.notified', 'alert.escalated'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The JSON body of a webhook delivery. `id` is the delivery id: retries of one delivery carry
 * the same id, so receivers can drop duplicates.
 */
export function webhookEvent(deliveryId: string, n: AlertNotice, nowMs: number) {
  return {
    id: deliveryId,
    type: (n.tier > 1 || n.repeat > 0 ? 'alert.escalated' : 'alert.notified') as WebhookEventType,
    createdAt: new Date(nowMs).toISOString(),
    data: {
      alert: {
        id: n.alertId,
        kind: n.kind,
        severity: n.severity,
        title: n.title,
        device: n.deviceName,
        facility: n.facilityName,
        metric: n.metric,
        unit: n.unit,
        value: n.value,
        threshold: n.threshold,
        startedAt: new Date(n.startedAtMs).toISOString(),
        dataGap: n.dataGap,
        retrospective: n.retrospective,
        url: n.link,
      },
      tier: n.tier,
      repeat: n.repeat,
    },
  };
}
