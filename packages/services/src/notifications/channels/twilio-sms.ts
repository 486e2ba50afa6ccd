import type { SendResult, SmsMessage } from '@anythingiot/core';
import { answerExcerpt, fetchWithDeadline, SendError } from './send-error.js';

export type SmsConfig = { apiUrl: string; accountSid: string; authToken: string; from: string };

/**
 * SMS through a Twilio-style Messages API (`POST {apiUrl}/2010-04-01/Accounts/{sid}/Messages.json`,
 * form fields, Basic auth). Twilio itself, and providers that copy its API, work unchanged.
 */
export function twilioSms(config: SmsConfig) {
  const url = `${config.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
  return async (message: SmsMessage): Promise<SendResult> => {
    const response = await fetchWithDeadline('SMS provider', url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: message.to, From: config.from, Body: message.body }),
    });
    if (!response.ok) {
      throw new SendError(
        `SMS provider answered ${response.status}: ${await answerExcerpt(response)}`,
      );
    }
    const answer = (await response.json().catch(() => ({}))) as { sid?: unknown };
    return { providerId: typeof answer.sid === 'string' ? answer.sid : null };
  };
}
