import {
  type Actor,
  COMMAND_REDELIVERY_SECONDS,
  type CommandStatus,
  isCommandDeliverable,
  newId,
  stepCommand,
} from '@anythingiot/core';
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Database } from '../client.js';
import { commands, devices } from '../schema/index.js';
import { auditTrail, type Executor } from './audit.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

export type Command = typeof commands.$inferSelect;
type Meta = { actor: Actor; requestId: string | null };

/** A command to create; `expiresAt` is computed from the caller's clock and `ttlSeconds`. */
export type NewCommand = {
  deviceId: string;
  type: string;
  payload: Record<string, unknown>;
  ttlSeconds: number;
  idempotencyKey: string | null;
};

/** The fields a lifecycle transition may set. */
export type CommandChange = Partial<
  Pick<
    Command,
    | 'status'
    | 'acknowledgedAt'
    | 'finishedAt'
    | 'response'
    | 'error'
    | 'progress'
    | 'sentAt'
    | 'lastSentAt'
  >
>;

/** The audit action of each status a command can move to. */
const ACTION_OF: Record<CommandStatus, string> = {
  pending: 'command.create',
  sent: 'command.send',
  acknowledged: 'command.acknowledge',
  completed: 'command.complete',
  failed: 'command.fail',
  expired: 'command.expire',
};

/** What an audit entry of a command records about it (never more than the row says). */
const auditView = (c: Command) => ({
  deviceId: c.deviceId,
  type: c.type,
  status: c.status,
  ...(c.status === 'pending'
    ? { payload: c.payload, ttlSeconds: c.ttlSeconds, idempotencyKey: c.idempotencyKey }
    : {}),
  ...(c.status === 'completed' || c.status === 'failed'
    ? { response: c.response, error: c.error }
    : {}),
});

/**
 * Commands of one tenant's devices (and, given a facility scope, of the devices in those
 * facilities only: the scope is the device's facility now, joined in every WHERE, so a command
 * of a device outside it reads as unknown).
 */
export function commandRepo(db: Database, tenantId: string, scope: FacilityScope = {}) {
  const audit = auditTrail(tenantId, 'command');
  const visible = inFacilities(devices.facilityId, scope);
  const joinDevice = and(
    eq(devices.tenantId, commands.tenantId),
    eq(devices.id, commands.deviceId),
  );

  return {
    async get(id: string): Promise<Command | undefined> {
      const [row] = await db
        .select({ command: commands })
        .from(commands)
        .innerJoin(devices, joinDevice)
        .where(and(eq(commands.tenantId, tenantId), eq(commands.id, id), visible));
      return row?.command;
    },

    /** A device's commands, newest first; pass the previous page's last as `before`. */
    listForDevice(
      deviceId: string,
      filter: { status?: CommandStatus },
      page: { limit: number; before?: { createdAt: Date; id: string } },
    ): Promise<Command[]> {
      const where: SQL[] = [eq(commands.tenantId, tenantId), eq(commands.deviceId, deviceId)];
      if (visible) where.push(visible);
      if (filter.status) where.push(eq(commands.status, filter.status));
      if (page.before) {
        where.push(
          or(
            lt(commands.createdAt, page.before.createdAt),
            and(eq(commands.createdAt, page.before.createdAt), lt(commands.id, page.before.id)),
          ) as SQL,
        );
      }
      return db
        .select({ command: commands })
        .from(commands)
        .innerJoin(devices, joinDevice)
        .where(and(...where))
        .orderBy(desc(commands.createdAt), desc(commands.id))
        .limit(page.limit)
        .then((rows) => rows.map((r) => r.command));
    },

    /** The active devices of a facility the scope can see, in creation order (bulk commands). */
    async activeDeviceIdsIn(facilityId: string, limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: devices.id })
        .from(devices)
        .where(
          and(
            eq(devices.tenantId, tenantId),
            eq(devices.facilityId, facilityId),
            eq(devices.status, 'active'),
            visible,
          ),
        )
        .orderBy(asc(devices.createdAt), asc(devices.id))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    /**
     * Creates commands in one transaction, each audited. An idempotency key already used for
     * the same device yields the existing command (`created: false`) instead of a second one,
     * also when two requests with the key race (the unique index decides). `onExisting` may
     * throw to refuse such a command (e.g. the key was used for a different one): then nothing
     * of the batch is written.
     */
    create(
      inputs: NewCommand[],
      meta: Meta,
      now: Date,
      onExisting?: (existing: Command, input: NewCommand) => void,
    ): Promise<{ command: Command; created: boolean }[]> {
      if (inputs.length === 0) return Promise.resolve([]);
      return db.transaction(async (tx) => {
        const out: { command: Command; created: boolean }[] = [];
        for (const input of inputs) {
          const [row] = await tx
            .insert(commands)
            .values({
              id: newId('command'),
              tenantId,
              ...input,
              createdBy: meta.actor,
              expiresAt: new Date(now.getTime() + input.ttlSeconds * 1_000),
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing()
            .returning();
          if (row) {
            await audit(tx, meta, 'command.create', row.id, null, auditView(row));
            out.push({ command: row, created: true });
            continue;
          }
          const existing = input.idempotencyKey
            ? await byKey(tx, tenantId, input.deviceId, input.idempotencyKey)
            : undefined;
          if (!existing) throw new Error('command insert returned no row');
          onExisting?.(existing, input);
          out.push({ command: existing, created: false });
        }
        return out;
      });
    },

    /** The command a key created for a device, if any. */
    byIdempotencyKey: (deviceId: string, key: string) => byKey(db, tenantId, deviceId, key),
  };
}

function byKey(
  db: Executor,
  tenantId: string,
  deviceId: string,
  key: string,
): Promise<Command | undefined> {
  return db
    .select()
    .from(commands)
    .where(
      and(
        eq(commands.tenantId, tenantId),
        eq(commands.deviceId, deviceId),
        eq(commands.idempotencyKey, key),
      ),
    )
    .then((rows) => rows[0]);
}

/**
 * The commands of one device as the device itself reaches them: the tenant and device come
 * from its verified credential, not from a member's facility scope.
 */
export function deviceCommandRepo(db: Database, tenantId: string, deviceId: string) {
  const audit = auditTrail(tenantId, 'command');
  const own = (id: string) =>
    and(eq(commands.tenantId, tenantId), eq(commands.deviceId, deviceId), eq(commands.id, id));

  return {
    async get(id: string): Promise<Command | undefined> {
      const [row] = await db.select().from(commands).where(own(id));
      return row;
    },

    /**
     * Hands the device what is due (core's `isCommandDeliverable`, oldest first): marks each
     * sent, counts the delivery, and audits the first one. Rows another delivery is handing
     * over right now are skipped, so two paths never claim the same command at once.
     */
    claim(now: Date, options: { immediately: boolean; limit: number }, meta: Meta) {
      return db.transaction(async (tx) => {
        // The SQL picks what core's isCommandDeliverable accepts, so a pile of sent commands
        // waiting for their pause never hides a new one behind the limit.
        const redeliverBefore = new Date(now.getTime() - COMMAND_REDELIVERY_SECONDS * 1_000);
        const candidates = await tx
          .select()
          .from(commands)
          .where(
            and(
              eq(commands.tenantId, tenantId),
              eq(commands.deviceId, deviceId),
              gt(commands.expiresAt, now),
              options.immediately
                ? inArray(commands.status, ['pending', 'sent'])
                : or(
                    eq(commands.status, 'pending'),
                    and(
                      eq(commands.status, 'sent'),
                      or(isNull(commands.lastSentAt), lte(commands.lastSentAt, redeliverBefore)),
                    ),
                  ),
            ),
          )
          .orderBy(asc(commands.createdAt), asc(commands.id))
          .limit(options.limit)
          .for('update', { skipLocked: true });
        const due = candidates.filter((c) =>
          isCommandDeliverable(c, now, { immediately: options.immediately }),
        );
        const claimed: Command[] = [];
        for (const before of due) {
          stepCommand(before, { type: 'deliver' }, now);
          const [after] = await tx
            .update(commands)
            .set({
              status: 'sent',
              sentAt: before.sentAt ?? now,
              lastSentAt: now,
              deliveryCount: before.deliveryCount + 1,
              version: before.version + 1,
              updatedAt: now,
            })
            .where(and(own(before.id), eq(commands.version, before.version)))
            .returning();
          if (!after) continue;
          // Redeliveries are counted on the row, not audited: the record is the first hand-over.
          if (before.status === 'pending') {
            await audit(tx, meta, 'command.send', after.id, auditView(before), auditView(after));
          }
          claimed.push(after);
        }
        return claimed;
      });
    },

    /**
     * Applies a transition if the command is still at `version` (compare-and-set), audited in
     * the same transaction. Undefined when someone else changed it first.
     */
    transition(
      before: Command,
      change: CommandChange,
      meta: Meta,
      now: Date,
    ): Promise<Command | undefined> {
      return db.transaction(async (tx) => {
        const [after] = await tx
          .update(commands)
          .set({ ...change, version: before.version + 1, updatedAt: now })
          .where(and(own(before.id), eq(commands.version, before.version)))
          .returning();
        if (!after) return undefined;
        if (after.status !== before.status) {
          await audit(
            tx,
            meta,
            ACTION_OF[after.status],
            after.id,
            auditView(before),
            auditView(after),
          );
        }
        return after;
      });
    },
  };
}

/**
 * Expires what is overdue: unacknowledged commands whose time to live ran out (core's
 * `stepCommand` with `expire`), oldest first, each audited in its tenant's chain. Limited to
 * one command or one tenant when given; safe to run again and concurrently (rows another run is
 * expiring are skipped, and an expired command is never touched twice).
 */
export function expireDueCommands(
  db: Database,
  now: Date,
  target: { tenantId?: string; commandId?: string; limit: number },
  meta: Meta,
): Promise<Command[]> {
  return db.transaction(async (tx) => {
    const where: SQL[] = [
      inArray(commands.status, ['pending', 'sent']),
      lte(commands.expiresAt, now),
    ];
    if (target.tenantId) where.push(eq(commands.tenantId, target.tenantId));
    if (target.commandId) where.push(eq(commands.id, target.commandId));
    const due = await tx
      .select()
      .from(commands)
      .where(and(...where))
      .orderBy(asc(commands.expiresAt), asc(commands.id))
      .limit(target.limit)
      .for('update', { skipLocked: true });
    const expired: Command[] = [];
    for (const before of due) {
      if (!stepCommand(before, { type: 'expire' }, now).changed) continue;
      const [after] = await tx
        .update(commands)
        .set({
          status: 'expired',
          finishedAt: now,
          version: before.version + 1,
          updatedAt: now,
        })
        .where(and(eq(commands.id, before.id), eq(commands.version, before.version)))
        .returning();
      if (!after) continue;
      await auditTrail(after.tenantId, 'command')(
        tx,
        meta,
        'command.expire',
        after.id,
        auditView(before),
        auditView(after),
      );
      expired.push(after);
    }
    return expired;
  });
}
