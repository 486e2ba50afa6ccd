import { Resend } from 'resend';

export type OutgoingEmail = { to: string; subject: string; html: string; text: string };

/** Sends one email or throws. The accounts flows depend on this port, not on Resend. */
export type Mailer = (email: OutgoingEmail) => Promise<void>;

export type ResendMailerConfig = {
  apiKey: string;
  /** The devstack catcher locally (`RESEND_BASE_URL`); unset in production. */
  baseUrl?: string | undefined;
  from: string;
};

/** Email through Resend; a refusal is thrown so callers can decide what it means for them. */
export function resendMailer(config: ResendMailerConfig): Mailer {
  const resend = new Resend(config.apiKey, config.baseUrl ? { baseUrl: config.baseUrl } : {});
  return async (email) => {
    const result = await resend.emails.send({ from: config.from, ...email });
    if (result.error) {
      throw new Error(`Resend refused the email: ${result.error.name}: ${result.error.message}`);
    }
  };
}
