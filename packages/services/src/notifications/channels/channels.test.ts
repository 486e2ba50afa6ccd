import { testStack } from '@anythingiot/devstack/testing';
import { describe, expect, it } from 'vitest';
import { httpWebhook } from './http-webhook.js';
import { resendEmail } from './resend-email.js';
import { fetchWithDeadline, SendError } from './send-error.js';
import { twilioSms } from './twilio-sms.js';

// The adapters against the catcher, which answers as Resend and Twilio do (errors included).
const stack = () => testStack();
const run = Date.now().toString(36);
const email = (to: string, idempotencyKey: string) => ({
  to,
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
  idempotencyKey,
});

describe('channel adapters', () => {
  it('Resend: returns the email id; the same idempotency key sends once; a wrong key is refused', async () => {
    const send = resendEmail({
      apiKey: stack().env.RESEND_API_KEY!,
      baseUrl: stack().urls.catcher,
      from: 'Alerts <alerts@anythingiot.test>',
    });
    const to = `idem-${run}@example.com`;
    const first = await send(email(to, `dlv_${run}`));
    const again = await send(email(to, `dlv_${run}`));
    expect(first.providerId).toEqual(expect.any(String));
    expect(again.providerId).toBe(first.providerId);
    const caught = await (
      await fetch(`${stack().urls.catcher}/api/messages?kind=email&to=${to}`)
    ).json();
    expect(caught.data).toHaveLength(1);

    const wrong = resendEmail({
      apiKey: 're_wrong',
      baseUrl: stack().urls.catcher,
      from: 'a@b.test',
    });
    await expect(wrong(email(to, `dlv_${run}_2`))).rejects.toThrow(/Resend refused/);
  });

  it('SMS: returns the message sid; a bad number or credential is an error with the provider answer', async () => {
    const config = {
      apiUrl: stack().env.SMS_API_URL!,
      accountSid: stack().env.SMS_ACCOUNT_SID!,
      authToken: stack().env.SMS_AUTH_TOKEN!,
      from: '+15005550006',
    };
    const sent = await twilioSms(config)({ to: '+447700900001', body: 'Fridge too warm' });
    expect(sent.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    await expect(twilioSms(config)({ to: '07700 900001', body: 'x' })).rejects.toThrow(
      /400.*21211/,
    );
    await expect(
      twilioSms({ ...config, authToken: 'wrong' })({ to: '+447700900001', body: 'x' }),
    ).rejects.toThrow(/401/);
  });

  it('webhook: a non-2xx answer is an error naming the status', async () => {
    const send = httpWebhook();
    const message = { body: '{}', signature: 't=1,v1=00', deliveryId: 'dlv_x' };
    await expect(
      send({ ...message, url: `${stack().urls.catcher}/webhooks/gone-${run}?fail=410` }),
    ).rejects.toThrow(/answered 410/);
    await expect(
      send({ ...message, url: `${stack().urls.catcher}/webhooks/ok-${run}` }),
    ).resolves.toEqual({
      providerId: null,
    });
  });

  it('gives up on a receiver that does not answer within the deadline', async () => {
    const slow = `${stack().urls.catcher}/webhooks/slow-${run}?delayMs=2000`;
    const error = await fetchWithDeadline(
      'Webhook receiver',
      slow,
      { method: 'POST', body: '{}' },
      200,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect((error as Error).message).toBe('Webhook receiver did not answer within 200 ms');
  });
});
