import {
  newId,
  openSecret,
  renderAlertEmail,
  renderAlertSms,
  renderInApp,
  type SendResult,
  signWebhook,
  WEBHOOK_REFUSAL_MESSAGES,
  webhookEvent,
} from '@anythingiot/core';
import { alertRepo, type Delivery, deliveryRepo, webhookEndpointRepo } from '@anythingiot/db';
import { SendError } from './channels/send-error.js';
import type { DeliverJob } from './jobs.js';
import { loadNotice } from './load-notice.js';
import type { NotificationJobCtx } from './ports.js';
import { checkWebhookDestination, UnresolvedDestination } from './webhook-destinations.js';

export type DeliverOutcome =
  | { outcome: 'unknown_delivery' }
  | { outcome: 'already_done'; status: Delivery['status'] }
  | { outcome: 'sent'; delivery: Delivery }
  | { outcome: 'dead'; delivery: Delivery | undefined };

/** A send failure that no retry can fix (the endpoint was deleted or disabled). */
class Undeliverable extends Error {}

/**
 * A send failed and was recorded; the job must fail so QStash retries it. Not a DomainError:
 * the route answers 502 without Retry-After, because QStash would let Retry-After override the
 * configured backoff (DELIVERY_RETRY_DELAY).
 */
export class DeliveryFailed extends Error {
  constructor(readonly deliveryId: string) {
    super('The delivery failed; QStash will retry it.');
    this.name = 'DeliveryFailed';
  }
}

/**
 * Sends one delivery (the `/v1/jobs/deliver` callback) and records the attempt. Idempotent: a
 * delivery already sent or dead is left alone. A failed send is recorded (attempts, last_error)
 * and then thrown (answered 502), so QStash retries the job; when QStash gives up, the failure callback
 * marks the delivery dead.
 */
export async function deliver({
  ctx,
  input,
}: {
  ctx: NotificationJobCtx;
  input: DeliverJob;
}): Promise<DeliverOutcome> {
  const { ports, db } = ctx;
  const repo = deliveryRepo(db, input.tenantId);
  const delivery = await repo.get(input.deliveryId);
  if (!delivery) return { outcome: 'unknown_delivery' };
  if (delivery.status === 'sent' || delivery.status === 'dead') {
    return { outcome: 'already_done', status: delivery.status };
  }
  const alert = await alertRepo(db, input.tenantId).get(delivery.alertId);
  if (!alert) return { outcome: 'unknown_delivery' };
  const notice = await loadNotice(db, alert, delivery, ports.appUrl);

  if (delivery.channel === 'in_app') {
    // The user was deleted since the delivery was planned: there is no list to put it on.
    if (delivery.userId === null) {
      return {
        outcome: 'dead',
        delivery: await repo.markDead(delivery.id, 'The user no longer exists.'),
      };
    }
    const { title, body } = renderInApp(notice);
    const sent = await repo.recordInApp(delivery.id, {
      userId: delivery.userId,
      alertId: alert.id,
      title,
      body,
      notificationId: newId('notification'),
    });
    return sent ? { outcome: 'sent', delivery: sent } : { outcome: 'already_done', status: 'sent' };
  }

  let result: SendResult;
  try {
    result = await send(ctx, delivery, notice);
  } catch (err) {
    const message = err instanceof Error ? err.message : 'send failed';
    if (err instanceof Undeliverable) {
      return { outcome: 'dead', delivery: await repo.markDead(delivery.id, message) };
    }
    await repo.recordFailure(delivery.id, message);
    ports.log({
      job: 'deliver',
      deliveryId: delivery.id,
      channel: delivery.channel,
      error: message,
    });
    throw new DeliveryFailed(delivery.id);
  }
  const sent = await repo.recordSent(delivery.id, result.providerId);
  return sent ? { outcome: 'sent', delivery: sent } : { outcome: 'already_done', status: 'sent' };
}

async function send(
  { ports, db }: NotificationJobCtx,
  delivery: Delivery,
  notice: Awaited<ReturnType<typeof loadNotice>>,
): Promise<SendResult> {
  switch (delivery.channel) {
    case 'email': {
      const email = renderAlertEmail(notice);
      return ports.channels.email({
        to: delivery.recipient,
        ...email,
        idempotencyKey: delivery.id,
      });
    }
    case 'sms':
      return ports.channels.sms({ to: delivery.recipient, body: renderAlertSms(notice) });
    case 'webhook': {
      const endpoint = delivery.webhookEndpointId
        ? await webhookEndpointRepo(db, delivery.tenantId).getWithSecret(delivery.webhookEndpointId)
        : undefined;
      if (!endpoint) throw new Undeliverable('The webhook endpoint was deleted.');
      if (!endpoint.enabled) throw new Undeliverable('The webhook endpoint is disabled.');
      await assertAllowedAtSend(endpoint.url, ports);
      const secret = await openSecret(await ports.keyring(), endpoint.secretCiphertext);
      const now = ports.now();
      const body = JSON.stringify(webhookEvent(delivery.id, notice, now));
      return ports.channels.webhook({
        url: endpoint.url,
        body,
        signature: await signWebhook(secret, body, now),
        deliveryId: delivery.id,
      });
    }
    case 'in_app':
      throw new Error('in-app deliveries are recorded, not sent');
  }
}

/**
 * The destination rules again, right before the request: the row may have been stored before
 * a rule existed, or the name may resolve elsewhere now. A refused address ends the delivery
 * dead (no retry can fix it) with a fixed reason; a resolver failure is retried.
 */
async function assertAllowedAtSend(url: string, ports: NotificationJobCtx['ports']) {
  let verdict: Awaited<ReturnType<typeof checkWebhookDestination>>;
  try {
    verdict = await checkWebhookDestination(url, ports.webhookDestinations);
  } catch (err) {
    if (err instanceof UnresolvedDestination) throw new SendError(err.message);
    throw err;
  }
  if (!verdict.ok) {
    throw new Undeliverable(
      `The webhook endpoint’s URL is not allowed: it ${WEBHOOK_REFUSAL_MESSAGES[verdict.reason]}.`,
    );
  }
}
