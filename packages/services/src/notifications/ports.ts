import type { Keyring, NotificationChannels } from '@anythingiot/core';
import type { Database } from '@anythingiot/db';
import type { NotificationJobs } from './jobs.js';
import type { WebhookDestinations } from './webhook-destinations.js';

/**
 * What the notification pipeline needs from the outside world, as typed ports: the channels
 * that send (email, SMS, webhook — the adapters in `./channels/`), the job queue that runs
 * escalations and deliveries later, the clock, the keyring (webhook secrets are sealed), the
 * log, and the dashboard's URL that notifications link to. The api's composition root builds
 * it from its env; the dashboard can build the same from its own.
 */
export type NotificationPorts = {
  channels: NotificationChannels;
  jobs: NotificationJobs;
  /** The dashboard's base URL: notifications deep-link to `${appUrl}/alerts/<id>`. */
  appUrl: string;
  keyring(): Promise<Keyring>;
  /** Unix ms. */
  now(): number;
  log(event: Record<string, unknown>): void;
  /** Checked again before every webhook send: a stored URL may predate a rule. */
  webhookDestinations: WebhookDestinations;
};

/**
 * A job's context (escalate, deliver): no actor and no tenant of its own — the tenant comes
 * from the job body, which only QStash can have signed.
 */
export type NotificationJobCtx = { db: Database; ports: NotificationPorts };
