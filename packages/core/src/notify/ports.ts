/**
 * The channels the notification jobs send through. Adapters (Resend, a Twilio-style SMS API,
 * plain HTTPS for webhooks) implement them; a send that fails throws, with a message fit for a
 * delivery's `last_error` (never a secret).
 */
export type SendResult = { providerId: string | null };

export type EmailMessage = {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The delivery id: a provider that saw it already does not send twice. */
  idempotencyKey: string;
};

export type SmsMessage = { to: string; body: string };

export type WebhookMessage = {
  url: string;
  /** The exact bytes that were signed. */
  body: string;
  /** `AnythingIoT-Signature` value. */
  signature: string;
  deliveryId: string;
};

export type NotificationChannels = {
  email(message: EmailMessage): Promise<SendResult>;
  sms(message: SmsMessage): Promise<SendResult>;
  webhook(message: WebhookMessage): Promise<SendResult>;
};
