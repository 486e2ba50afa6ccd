import type { CommandStatusEvent } from '@anythingiot/core';
import type { Command } from '@anythingiot/db';
import type { CommandNotifier } from '@anythingiot/services';
import type { AppDeps } from '../deps.js';
import { scheduleCommandExpiry } from './jobs.js';

/**
 * What the api does once commands are committed: schedule their expiry, push them to devices
 * whose room is connected, and show every status change on the tenant's dashboards. Each part
 * fails alone and only logs: the commands are stored, the device's next post collects them, and
 * the per-minute expiry sweep catches a schedule that was never published.
 */
export function commandNotifier(deps: AppDeps): CommandNotifier {
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
    attempt('live_publish', commands, () => publishCommandStatus(deps, commands));
  return {
    async created(commands) {
      const downlink = deps.downlink;
      await Promise.all([
        attempt('expiry_schedule', commands, () => scheduleCommandExpiry(deps, commands)),
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

/** A device result or error, shortened for a dashboard row. */
function detailOf(c: Command): string | null {
  const text = c.error ?? (c.response === null ? null : JSON.stringify(c.response));
  return text === null ? null : text.length > 500 ? `${text.slice(0, 497)}…` : text;
}

/**
 * `command_status` events for the tenant rooms. The room routes by facility (a member limited
 * to facilities sees only theirs), so each event carries its device's facility: one indexed read
 * over Neon's HTTP mode, only when there is something to publish.
 */
async function publishCommandStatus(deps: AppDeps, commands: Command[]) {
  if (commands.length === 0) return;
  const byTenant = new Map<string, Command[]>();
  for (const c of commands) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
  for (const [tenantId, list] of byTenant) {
    const { rows } = await deps
      .sqlOverHttp()
      .query<{ id: string; facility_id: string | null }>(
        'select id, facility_id from devices where tenant_id = $1 and id = any($2::text[])',
        [tenantId, [...new Set(list.map((c) => c.deviceId))]],
      );
    const facilityOf = new Map(rows.map((r) => [r.id, r.facility_id]));
    const at = deps.now();
    const events: CommandStatusEvent[] = list.map((c) => ({
      type: 'command_status',
      commandId: c.id,
      deviceId: c.deviceId,
      facilityId: facilityOf.get(c.deviceId) ?? null,
      command: c.type,
      status: c.status,
      at,
      detail: detailOf(c),
    }));
    await deps.live.publish(tenantId, events);
  }
}
