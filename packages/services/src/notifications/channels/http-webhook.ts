import { type SendResult, WEBHOOK_SIGNATURE_HEADER, type WebhookMessage } from '@anythingiot/core';
import { answerExcerpt, fetchWithDeadline, SendError } from './send-error.js';

/**
 * Posts a signed webhook. Any 2xx is success; anything else (or no answer in time) fails the
 * attempt so QStash retries the deliver job. Redirects are not followed: a receiver that moved
 * must be updated, not silently forwarded somewhere else with our signature.
 */
export function httpWebhook() {
  return async (message: WebhookMessage): Promise<SendResult> => {
    const response = await fetchWithDeadline('Webhook receiver', message.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'AnythingIoT-Webhooks/1',
        [WEBHOOK_SIGNATURE_HEADER]: message.signature,
        'AnythingIoT-Delivery': message.deliveryId,
      },
      body: message.body,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new SendError(
        `Webhook receiver answered ${response.status}: ${await answerExcerpt(response)}`,
      );
    }
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return { providerId: response.headers.get('x-request-id') };
  };
}
