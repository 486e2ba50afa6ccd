import {
  type NotificationJobs,
  type NotificationPorts,
  qstashNotificationJobs,
  type ServicePorts,
} from '@anythingiot/services';
import { commandNotifier } from './commands/notifier.js';
import type { AppDeps } from './deps.js';

/** The slice of the api's deps the shared use cases get. */
export const servicePorts = (deps: AppDeps): ServicePorts => ({
  keyring: () => deps.keyring(),
  now: () => deps.now(),
  offlineFactor: deps.alerts.offlineFactor,
  redis: deps.redis,
  log: (event) => deps.log(event),
  commands: commandNotifier(deps),
  live: deps.live,
  webhookDestinations: deps.notify.webhookDestinations,
});

/** The notification jobs on the api's QStash, called back at this api's public URL. */
export const notificationJobs = (
  deps: Pick<AppDeps, 'qstash' | 'apiPublicUrl' | 'notify'>,
): NotificationJobs =>
  qstashNotificationJobs({
    qstash: deps.qstash,
    apiPublicUrl: deps.apiPublicUrl,
    retry: deps.notify.retry,
  });

/** The slice of the api's deps the notification use cases (escalate, deliver) get. */
export const notificationPorts = (deps: AppDeps): NotificationPorts => ({
  channels: deps.notify,
  jobs: notificationJobs(deps),
  appUrl: deps.notify.appUrl,
  keyring: () => deps.keyring(),
  now: () => deps.now(),
  log: (event) => deps.log(event),
  webhookDestinations: deps.notify.webhookDestinations,
});
