import type { LiveEvent, LivePublisher } from '@anythingiot/core';

/**
 * The tenant rooms' RPC surface (a Durable Object namespace binding, structurally): the api
 * Worker binds it directly, the dashboard Worker through `script_name`, and neither loads
 * partyserver to publish.
 */
export type RoomNamespace<Id = unknown> = {
  idFromName(name: string): Id;
  get(id: Id): { publish(events: readonly LiveEvent[]): Promise<unknown> };
};

/**
 * The production publisher: one Durable Object RPC to the tenant's room per publish. Never
 * throws — a failure is logged, because live updates must never fail the write behind them.
 */
export function roomPublisher<Id>(
  namespace: RoomNamespace<Id>,
  log: (event: Record<string, unknown>) => void,
): LivePublisher {
  return {
    async publish(tenantId: string, events: readonly LiveEvent[]) {
      if (events.length === 0) return;
      try {
        await namespace.get(namespace.idFromName(tenantId)).publish(events);
      } catch (err) {
        log({
          warning: 'live_publish_failed',
          tenantId,
          events: events.length,
          error: String(err),
        });
      }
    },
  };
}
