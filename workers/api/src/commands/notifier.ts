import { type CommandNotifier, commandNotifier as notifier } from '@anythingiot/services';
import type { AppDeps } from '../deps.js';

/**
 * The api's command notifier (services' commandNotifier): expiry through its QStash, pushes
 * through the device rooms, status to the tenant rooms. The facility lookup the rooms route by
 * is one indexed read over Neon's HTTP mode, only when there is something to publish.
 */
export function commandNotifier(deps: AppDeps): CommandNotifier {
  return notifier({
    jobs: deps.jobs,
    live: deps.live,
    ...(deps.downlink ? { downlink: deps.downlink } : {}),
    facilitiesOf: async (tenantId, deviceIds) => {
      const { rows } = await deps
        .sqlOverHttp()
        .query<{ id: string; facility_id: string | null }>(
          'select id, facility_id from devices where tenant_id = $1 and id = any($2::text[])',
          [tenantId, deviceIds],
        );
      return new Map(rows.map((r) => [r.id, r.facility_id]));
    },
    now: () => deps.now(),
    log: (event) => deps.log(event),
  });
}
