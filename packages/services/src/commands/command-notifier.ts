import type { CommandStatusEvent, LivePublisher } from '@anythingiot/core';
import type { Command, SqlOverHttp } from '@anythingiot/db';
import type { CommandNotifier } from '../context.js';
import type { JobQueue } from '../jobs/qstash-jobs.js';
import { commandExpiryJob } from './jobs.js';

/** The device rooms: each device's connected socket, reached by its id. */
export type DeviceDownlink = {
  /** Wakes the room to push its due commands (a no-op when the device is not connected). */
  deliver(deviceId: string): Promise<void>;
  /**
   * The device's credentials changed (rotated, revoked): its room checks the credential each
   * open socket connected with and closes those no longer valid.
   */
  credentialsChanged(deviceId: string): Promise<void>;
};

/**
 * Schedules the expiry of new commands at the instant their time to live runs out: one job per
 * tenant and expiry instant (a bulk command is one job, not one per device). The dedup id names
 * the instant, so publishing it twice (the api and the dashboard, a retry) is a no-op.
 */
export async function scheduleCommandExpiry(
  jobs: JobQueue,
  commands: readonly Pick<Command, 'tenantId' | 'expiresAt'>[],
) {
  const due = new Map<string, { tenantId: string; at: number }>();
  for (const c of commands) {
    const at = c.expiresAt.getTime();
    due.set(`${c.tenantId}:${at}`, { tenantId: c.tenantId, at });
  }
  await Promise.all(
    [...due.values()].map(({ tenantId, at }) =>
      jobs.publish(commandExpiryJob, { tenantId }, { notBefore: at }),
    ),
  );
}

/** A device result or error, shortened for a dashboard row. */
function detailOf(c: Command): string | null {
  const text = c.error ?? (c.response === null ? null : JSON.stringify(c.response));
  return text === null ? null : text.length > 500 ? `${text.slice(0, 497)}…` : text;
}

/** `command_status` events for the tenant rooms, each with its device's facility (for routing). */
export function commandStatusEvents(
  commands: readonly Command[],
  facilityOf: ReadonlyMap<string, string | null>,
  at: number,
): CommandStatusEvent[] {
  return commands.map((c) => ({
    type: 'command_status',
    commandId: c.id,
    deviceId: c.deviceId,
    facilityId: facilityOf.get(c.deviceId) ?? null,
    command: c.type,
    status: c.status,
    at,
    detail: detailOf(c),
  }));
}

export type CommandNotifierDeps = {
  /** Where the expiry jobs are queued. */
  jobs: JobQueue;
  /** The tenant rooms; absent: dashboards learn of commands on their next read. */
  live?: LivePublisher;
  /** The device rooms; absent: commands wait for the device's next post or connection. */
  downlink?: DeviceDownlink;
  /** The facility of each device (the rooms route by it); one read per publish. */
  facilitiesOf(tenantId: string, deviceIds: string[]): Promise<ReadonlyMap<string, string | null>>;
  now(): number;
  log(event: Record<string, unknown>): void;
};

/**
 * What happens once commands are committed, wherever they were made (the api, the dashboard):
 * their expiry is scheduled, devices whose room is connected get them pushed, and every status
 * change is shown on the tenant's dashboards. Each part fails alone and only logs: the commands
 * are stored, the device's next post collects them, and the per-minute expiry sweep catches a
 * schedule that was never published.
 */
export function commandNotifier(deps: CommandNotifierDeps): CommandNotifier {
  const attempt = async (what: string, commands: Command[], work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      deps.log({
        warning: `command_${what}_failed`,
        commandIds: commands.map((c) => c.id),
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
  const publish = (commands: Command[]) =>
    attempt('live_publish', commands, async () => {
      const { live } = deps;
      if (!live || commands.length === 0) return;
      const byTenant = new Map<string, Command[]>();
      for (const c of commands) {
        byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
      }
      for (const [tenantId, list] of byTenant) {
        const facilityOf = await deps.facilitiesOf(tenantId, [
          ...new Set(list.map((c) => c.deviceId)),
        ]);
        await live.publish(tenantId, commandStatusEvents(list, facilityOf, deps.now()));
      }
    });
  return {
    async created(commands) {
      const { downlink } = deps;
      await Promise.all([
        attempt('expiry_schedule', commands, () => scheduleCommandExpiry(deps.jobs, commands)),
        publish(commands),
        downlink &&
          attempt('push', commands, () =>
            Promise.all(
              [...new Set(commands.map((c) => c.deviceId))].map((id) => downlink.deliver(id)),
            ),
          ),
      ]);
    },
    changed: publish,
  };
}

/**
 * `facilitiesOf` as one indexed read over Neon's HTTP mode (no WebSocket to open for it): the
 * api's choice, since it publishes right after a device's post.
 */
export const facilitiesOverHttp =
  (sql: () => SqlOverHttp): CommandNotifierDeps['facilitiesOf'] =>
  async (tenantId, deviceIds) => {
    const { rows } = await sql().query<{ id: string; facility_id: string | null }>(
      'select id, facility_id from devices where tenant_id = $1 and id = any($2::text[])',
      [tenantId, deviceIds],
    );
    return new Map(rows.map((r) => [r.id, r.facility_id]));
  };
