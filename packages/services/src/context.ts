import type { Actor, ApiKeyScope, Keyring, LivePublisher } from '@anythingiot/core';
import type { Command, Database } from '@anythingiot/db';
import type { DeviceDownlink } from './commands/command-notifier.js';
import type { JobQueue } from './jobs/qstash-jobs.js';
import type { WebhookDestinations } from './notifications/webhook-destinations.js';

/**
 * A cache that can forget a key: Upstash's `Redis` fits as it is. Only deletion is needed (the
 * use cases invalidate what ingest cached), so nothing here can read or poison the cache.
 */
export type ForgettingCache = { del(key: string): Promise<unknown> };

/** What the use cases need from the outside world; each caller builds it from its own deps. */
export type ServicePorts = {
  /** Device-secret keys (sealing new secrets). */
  keyring(): Promise<Keyring>;
  /** Unix ms. */
  now(): number;
  /**
   * OFFLINE_AFTER_INTERVALS: silent for longer than expected interval × this is offline (core's
   * `deviceConnectivity`); the api's sweep raises offline alerts on the same setting.
   */
  offlineFactor: number;
  /** Where ingest caches device credentials; absent: rotations and revocations skip the purge. */
  redis?: ForgettingCache;
  /** One structured log line, e.g. a degraded dependency. */
  log?(event: Record<string, unknown>): void;
  /** Where committed commands are announced; absent: only the device's next post finds them. */
  commands?: CommandNotifier;
  /**
   * The device rooms (only the Workers have them): a rotation or revocation tells the device's
   * room, which closes sockets opened with a credential no longer valid.
   */
  downlink?: DeviceDownlink;
  /** The tenant's live room (dashboards): committed changes are announced there; absent, not. */
  live?: LivePublisher;
  /**
   * Where tenants' webhooks may point (registration is refused otherwise); absent: the strict
   * rules (public https only, no exemptions, names judged by their text).
   */
  webhookDestinations?: WebhookDestinations;
  /** Where QStash jobs are queued (`ctx.ports.jobs.publish(def, body)`); required by `SystemCtx`. */
  jobs?: JobQueue;
};

/**
 * What happens outside the database once commands are committed (the api wires it): new ones
 * get their expiry scheduled and are pushed to the device if it is connected; every status
 * change is shown to dashboards. Failures are logged by the caller, never fail the change.
 */
export type CommandNotifier = {
  created(commands: Command[]): Promise<void>;
  changed(commands: Command[]): Promise<void>;
};

/**
 * Everything a tenant use case may rely on. `tenantId`, `actor` and `facilityIds` come from the
 * verified credential (an API key, a session's membership), never from the request, so no input
 * can move work into another tenant or another facility.
 */
export type TenantCtx = {
  tenantId: string;
  actor: Actor;
  /** What an API key may grant (createApiKey refuses more); a member session passes every scope its role allows. */
  scopes: readonly ApiKeyScope[];
  /**
   * The facilities the caller may see, or null for every facility of the tenant (API keys,
   * unlimited roles): core's `facilityFilter(member)`. Rows of other facilities — and rows
   * with no facility — are invisible to a limited caller.
   */
  facilityIds: readonly string[] | null;
  requestId: string;
  db: Database;
  ports: ServicePorts;
};

/**
 * A device acting for itself (acknowledging, reporting, receiving commands): tenant and device
 * come from its verified credential (an ingest signature, a room connect token).
 */
export type DeviceCtx = {
  tenantId: string;
  deviceId: string;
  requestId: string | null;
  db: Database;
  ports: ServicePorts;
};

/**
 * Work no credential asked for: QStash callbacks (a verified signature) and sweeps. The actor
 * is the system or the job itself; which tenant comes from the job's body, which QStash
 * signed, or the use case works across tenants on purpose (listed where it does).
 */
export type SystemCtx = {
  actor: Extract<Actor, { type: 'system' | 'job' }>;
  requestId: string | null;
  db: Database;
  ports: ServicePorts & { jobs: JobQueue; live: LivePublisher };
};

/** The audit metadata every change carries. */
export const auditMeta = (ctx: TenantCtx) => ({ actor: ctx.actor, requestId: ctx.requestId });
