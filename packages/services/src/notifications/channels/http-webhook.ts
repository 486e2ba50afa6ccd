import { type SendResult, WEBHOOK_SIGNATURE_HEADER, type WebhookMessage } from '@anythingiot/core';
import { fetchWithDeadline, SendError } from './send-error.js';

/**
 * Posts a signed webhook. Any 2xx is success; anything else (or no answer in time) fails the
 * attempt so QStash retries the deliver job. Redirects are not followed: a receiver that moved
 * must be updated, not silently forwarded somewhere else with our signature (or to an address
 * the destination rules would refuse). A failure is worded with the status code and a fixed
 * reason only: the receiver's body, or the network error's text, would let a tenant read what
 * an address answered through the deliveries list.
 */
export function httpWebhook() {
  return async (message: WebhookMessage): Promise<SendResult> => {
    const response = await fetchWithDeadline(
      'Webhook receiver',
      message.url,
      {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'AnythingIoT-Webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: message.signature,
          'AnythingIoT-Delivery': message.deliveryId,
        },
        body: message.body,
      },
      undefined,
      { revealCause: false },
    );
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel().catch(() => undefined);
      throw new SendError(`Webhook receiver answered ${response.status}`);
    }
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return { providerId: response.headers.get('x-request-id') };
  };
}
