import {
  type NotificationJobs,
  type NotificationPorts,
  notificationJobs as onJobQueue,
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
  ...(deps.downlink ? { downlink: deps.downlink } : {}),
});

/** The notification jobs on the api's job queue, deliveries retried as configured. */
export const notificationJobs = (deps: Pick<AppDeps, 'jobs' | 'notify'>): NotificationJobs =>
  onJobQueue(deps.jobs, deps.notify.retry);

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
