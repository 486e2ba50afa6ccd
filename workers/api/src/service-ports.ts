import {
  type CommandNotifier,
  facilitiesOverHttp,
  type IngestCtx,
  type IngestPorts,
  type NotificationJobs,
  type NotificationPorts,
  commandNotifier as notifier,
  notificationJobs as onJobQueue,
  type ServicePorts,
} from '@anythingiot/services';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from './deps.js';

/**
 * The api's command notifier (services' commandNotifier): expiry through its job queue, pushes
 * through the device rooms, status to the tenant rooms. The facility lookup the rooms route by
 * is one indexed read over Neon's HTTP mode, only when there is something to publish.
 */
export const commandNotifier = (deps: AppDeps): CommandNotifier =>
  notifier({
    jobs: deps.jobs,
    live: deps.live,
    ...(deps.downlink ? { downlink: deps.downlink } : {}),
    facilitiesOf: facilitiesOverHttp(() => deps.sqlOverHttp()),
    now: () => deps.now(),
    log: (event) => deps.log(event),
  });

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

const ingestPortsOf = new WeakMap<AppDeps, IngestPorts>();

/**
 * The device pipeline's ports, built once per deps (one per isolate in the Worker): ingest keeps
 * its in-memory credential and signing-key caches per ports object, so a warm post skips Redis.
 */
export function ingestPorts(deps: AppDeps): IngestPorts {
  let ports = ingestPortsOf.get(deps);
  if (!ports) {
    ports = {
      ...servicePorts(deps),
      redis: deps.redis,
      log: (event) => deps.log(event),
      jobs: deps.jobs,
      live: deps.live,
      sqlOverHttp: () => deps.sqlOverHttp(),
      ingest: deps.ingest,
    };
    ingestPortsOf.set(deps, ports);
  }
  return ports;
}

/** A device request's context: the request's lazily opened database, ingest's ports. */
export const ingestCtx = (c: Context<AppEnv>): IngestCtx => ({
  db: c.var.db,
  requestId: c.var.requestId,
  ports: ingestPorts(c.var.deps),
});
