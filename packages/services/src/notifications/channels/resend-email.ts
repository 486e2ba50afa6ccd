import type { EmailMessage, SendResult } from '@anythingiot/core';
import { withTimeout } from '@anythingiot/core';
import { Resend } from 'resend';
import { SEND_TIMEOUT_MS, SendError } from './send-error.js';

export type ResendConfig = { apiKey: string; baseUrl?: string; from: string };

/**
 * Email through Resend. The delivery id is Resend's idempotency key, so a job that retries
 * after Resend accepted the first attempt (answer lost on the way back) sends no second email.
 */
export function resendEmail(config: ResendConfig) {
  const resend = new Resend(config.apiKey, config.baseUrl ? { baseUrl: config.baseUrl } : {});
  return async (message: EmailMessage): Promise<SendResult> => {
    let result: Awaited<ReturnType<typeof resend.emails.send>>;
    try {
      result = await withTimeout(
        resend.emails.send(
          {
            from: config.from,
            to: message.to,
            subject: message.subject,
            html: message.html,
            text: message.text,
          },
          { idempotencyKey: message.idempotencyKey },
        ),
        SEND_TIMEOUT_MS,
        'Resend',
      );
    } catch (err) {
      throw new SendError(err instanceof Error ? err.message : 'Resend call failed');
    }
    if (result.error) {
      throw new SendError(`Resend refused: ${result.error.name}: ${result.error.message}`);
    }
    return { providerId: result.data?.id ?? null };
  };
}
