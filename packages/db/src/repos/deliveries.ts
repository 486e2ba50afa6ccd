import type { EscalationKey } from '@anythingiot/core';
import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { alertEvents, alerts, deliveries, inAppNotifications } from '../schema/index.js';
import type { Alert } from './alerts.js';

export type Delivery = typeof deliveries.$inferSelect;
export type DeliveryChannel = Delivery['channel'];
export type DeliveryStatus = Delivery['status'];
export type DeliveryFilter = {
  alertId?: string;
  status?: DeliveryStatus;
  channel?: DeliveryChannel;
};

/** One delivery an escalation step wants; `dedupKey` makes creating it twice impossible. */
export type NewDelivery = Pick<
  Delivery,
  'tier' | 'repeat' | 'channel' | 'recipient' | 'userId' | 'webhookEndpointId' | 'dedupKey'
> & { id: string };

/** A tier (or repeat) that became due, with the timeline entry that records it. */
export type EscalationStepRecord = EscalationKey & {
  event: 'notified' | 'escalated';
  detail: Record<string, unknown>;
  deliveries: NewDelivery[];
};

/** Alert events that mark a tier/repeat as done (their detail holds tier and repeat). */
const STEP_EVENTS = ['notified', 'escalated'];
const RETRYABLE: DeliveryStatus[] = ['pending', 'failed'];

/** Deliveries of one tenant; every statement carries the tenant in its WHERE. */
export function deliveryRepo(db: Database, tenantId: string) {
  const byId = (id: string) => and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id));
  const retryable = (id: string) => and(byId(id), inArray(deliveries.status, RETRYABLE));

  return {
    async get(id: string): Promise<Delivery | undefined> {
      const [row] = await db.select().from(deliveries).where(byId(id));
      return row;
    },

    /** Newest first; pass the previous page's last delivery as `before` for the next page. */
    list(
      filter: DeliveryFilter,
      page: { limit: number; before?: { createdAt: Date; id: string } },
    ): Promise<Delivery[]> {
      const where: SQL[] = [eq(deliveries.tenantId, tenantId)];
      if (filter.alertId) where.push(eq(deliveries.alertId, filter.alertId));
      if (filter.status) where.push(eq(deliveries.status, filter.status));
      if (filter.channel) where.push(eq(deliveries.channel, filter.channel));
      if (page.before) {
        where.push(
          or(
            lt(deliveries.createdAt, page.before.createdAt),
            and(eq(deliveries.createdAt, page.before.createdAt), lt(deliveries.id, page.before.id)),
          ) as SQL,
        );
      }
      return db
        .select()
        .from(deliveries)
        .where(and(...where))
        .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
        .limit(page.limit);
    },

    /**
     * Runs one escalation decision under a lock on the alert row, so two concurrent escalate
     * jobs for the same alert take turns: `decide` sees the alert and the steps already done
     * (from the timeline) and returns the steps due now. Deliveries are inserted ON CONFLICT
     * DO NOTHING on their dedup key, steps are recorded on the timeline, all in one commit.
     * Undefined when the alert is not in this tenant.
     */
    escalate<T>(
      alertId: string,
      decide: (alert: Alert, done: EscalationKey[]) => { steps: EscalationStepRecord[]; extra: T },
    ): Promise<{ alert: Alert; created: Delivery[]; extra: T } | undefined> {
      return db.transaction(async (tx) => {
        const [alert] = await tx
          .select()
          .from(alerts)
          .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, alertId)))
          .for('update');
        if (!alert) return undefined;
        const events = await tx
          .select({ detail: alertEvents.detail })
          .from(alertEvents)
          .where(
            and(
              eq(alertEvents.tenantId, tenantId),
              eq(alertEvents.alertId, alertId),
              inArray(alertEvents.type, STEP_EVENTS),
            ),
          );
        const done = events.flatMap(({ detail }) => {
          const d = detail as { tier?: unknown; repeat?: unknown } | null;
          return typeof d?.tier === 'number' && typeof d.repeat === 'number'
            ? [{ tier: d.tier, repeat: d.repeat }]
            : [];
        });
        const { steps, extra } = decide(alert, done);
        const created: Delivery[] = [];
        for (const step of steps) {
          if (step.deliveries.length > 0) {
            created.push(
              ...(await tx
                .insert(deliveries)
                .values(step.deliveries.map((d) => ({ ...d, tenantId, alertId })))
                .onConflictDoNothing({ target: deliveries.dedupKey })
                .returning()),
            );
          }
          await tx.insert(alertEvents).values({
            tenantId,
            alertId,
            type: step.event,
            actor: { type: 'system', id: 'escalation' },
            detail: { ...step.detail, tier: step.tier, repeat: step.repeat },
          });
        }
        return { alert, created, extra };
      });
    },

    /** Deliveries of the alert still waiting to be sent (for re-publishing their jobs). */
    pendingFor(alertId: string): Promise<Delivery[]> {
      return db
        .select()
        .from(deliveries)
        .where(
          and(
            eq(deliveries.tenantId, tenantId),
            eq(deliveries.alertId, alertId),
            eq(deliveries.status, 'pending'),
          ),
        );
    },

    /** Records a successful send; undefined if it was already sent or dead (nothing changes). */
    async recordSent(id: string, providerId: string | null): Promise<Delivery | undefined> {
      const [row] = await db
        .update(deliveries)
        .set({
          status: 'sent',
          attempts: sql`${deliveries.attempts} + 1`,
          providerId,
          lastError: null,
          sentAt: new Date(),
          updatedAt: new Date(),
        })
        .where(retryable(id))
        .returning();
      return row;
    },

    /** Records a failed attempt; QStash will retry the job. */
    async recordFailure(id: string, error: string): Promise<Delivery | undefined> {
      const [row] = await db
        .update(deliveries)
        .set({
          status: 'failed',
          attempts: sql`${deliveries.attempts} + 1`,
          lastError: error.slice(0, 1_000),
          updatedAt: new Date(),
        })
        .where(retryable(id))
        .returning();
      return row;
    },

    /** QStash gave up: the delivery is dead (a dead letter). Never overrides a sent one. */
    async markDead(id: string, error: string | null): Promise<Delivery | undefined> {
      const [row] = await db
        .update(deliveries)
        .set({
          status: 'dead',
          ...(error === null ? {} : { lastError: error.slice(0, 1_000) }),
          updatedAt: new Date(),
        })
        .where(retryable(id))
        .returning();
      return row;
    },

    /**
     * An in-app delivery: the list entry and the "sent" status commit together, so a
     * redelivered job can neither add a second entry nor lose the first.
     */
    recordInApp(
      id: string,
      entry: {
        userId: string;
        alertId: string;
        title: string;
        body: string;
        notificationId: string;
      },
    ): Promise<Delivery | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(deliveries)
          .set({
            status: 'sent',
            attempts: sql`${deliveries.attempts} + 1`,
            providerId: entry.notificationId,
            lastError: null,
            sentAt: new Date(),
            updatedAt: new Date(),
          })
          .where(retryable(id))
          .returning();
        if (!row) return undefined;
        await tx.insert(inAppNotifications).values({
          id: entry.notificationId,
          tenantId,
          userId: entry.userId,
          alertId: entry.alertId,
          title: entry.title,
          body: entry.body,
        });
        return row;
      });
    },
  };
}
