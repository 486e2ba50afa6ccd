import { type Actor, type Connectivity, newId } from '@anythingiot/core';
import {
  and,
  arrayContains,
  asc,
  desc,
  eq,
  gt,
  ilike,
  inArray,
  isNull,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Database } from '../client.js';
import { deviceCredentials, deviceLatest, devices } from '../schema/index.js';
import { auditTrail, patchedFields } from './audit.js';
import { type ConnectivityClock, connectivityOf, offlineAlertOpen } from './connectivity.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

export type Device = typeof devices.$inferSelect;
export type NewDevice = {
  name: string;
  facilityId?: string | null;
  model?: string;
  tags?: string[];
  expectedIntervalSeconds?: number;
};
export type DevicePatch = Partial<
  Pick<Device, 'name' | 'facilityId' | 'model' | 'tags' | 'expectedIntervalSeconds'>
>;
export type DeviceFilter = {
  facilityId?: string;
  status?: Device['status'];
  tag?: string;
  /** Part of the name, case-insensitive (`%` and `_` match themselves). */
  nameContains?: string;
  /** Devices whose connectivity, judged at `clock`, is `is` (core's `deviceConnectivity`). */
  connectivity?: { is: Connectivity; clock: ConnectivityClock };
};

export type { Connectivity };

/** One metric's newest value of one device. */
export type LatestValue = { deviceId: string; metric: string; value: number; ts: Date };

/** LIKE's wildcards and its escape character taken literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
type Meta = { actor: Actor; requestId: string | null };

/** What ingest needs to authenticate a device: its tenant, status and usable secrets. */
export type DeviceAuth = {
  deviceId: string;
  tenantId: string;
  status: 'active' | 'revoked';
  /** Secrets that verify now: the current one and any still in a rotation grace. */
  credentials: DeviceCredentialAuth[];
};

/** One usable credential, sealed (never the plaintext); `validUntil` in Unix ms, null = open. */
export type DeviceCredentialAuth = { id: string; sealedSecret: string; validUntil: number | null };

/**
 * Looks a device up by the id it sends (X-Device-Id). Deliberately not tenant-scoped: the
 * device id *is* the credential's identity, and the tenant comes from the row found.
 */
export async function findDeviceAuth(
  db: Database,
  deviceId: string,
): Promise<DeviceAuth | undefined> {
  const rows = await db
    .select({
      tenantId: devices.tenantId,
      status: devices.status,
      credentialId: deviceCredentials.id,
      sealed: deviceCredentials.secretCiphertext,
      validUntil: deviceCredentials.validUntil,
    })
    .from(devices)
    .leftJoin(
      deviceCredentials,
      and(
        eq(deviceCredentials.tenantId, devices.tenantId),
        eq(deviceCredentials.deviceId, devices.id),
        isNull(deviceCredentials.revokedAt),
        sql`(${deviceCredentials.validUntil} is null or ${deviceCredentials.validUntil} > now())`,
      ),
    )
    .where(eq(devices.id, deviceId));
  const first = rows[0];
  if (!first) return undefined;
  return {
    deviceId,
    tenantId: first.tenantId,
    status: first.status,
    credentials: rows.flatMap((r) =>
      r.credentialId && r.sealed
        ? [
            {
              id: r.credentialId,
              sealedSecret: r.sealed,
              validUntil: r.validUntil ? r.validUntil.getTime() : null,
            },
          ]
        : [],
    ),
  };
}

/**
 * Devices of one tenant (and, given a facility scope, of those facilities only); every
 * statement carries both in its WHERE, so a device outside them reads as unknown.
 */
export function deviceRepo(db: Database, tenantId: string, scope: FacilityScope = {}) {
  const audit = auditTrail(tenantId, 'device');
  const visible = inFacilities(devices.facilityId, scope);
  /** The device `id` if the caller may reach it. */
  const reachable = (id: string) =>
    and(eq(devices.tenantId, tenantId), eq(devices.id, id), visible);

  return {
    async get(id: string): Promise<Device | undefined> {
      const [row] = await db.select().from(devices).where(reachable(id));
      return row;
    },

    /** The facility of each of these devices (null: none), in one statement; others left out. */
    async facilityIdsOf(ids: readonly string[]): Promise<Map<string, string | null>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ id: devices.id, facilityId: devices.facilityId })
        .from(devices)
        .where(and(eq(devices.tenantId, tenantId), inArray(devices.id, [...ids]), visible));
      return new Map(rows.map((r) => [r.id, r.facilityId]));
    },

    /** Registers a device with its first secret (already sealed by the caller). */
    create(
      input: NewDevice,
      sealedSecret: string,
      keyVersion: number,
      meta: Meta,
    ): Promise<Device> {
      return db.transaction(async (tx) => {
        const [device] = await tx
          .insert(devices)
          .values({ id: newId('device'), tenantId, ...input })
          .returning();
        if (!device) throw new Error('insert returned no row');
        await tx.insert(deviceCredentials).values({
          id: newId('deviceCredential'),
          tenantId,
          deviceId: device.id,
          secretCiphertext: sealedSecret,
          keyVersion,
        });
        // The secret itself is never audited, only that one was issued.
        await audit(tx, meta, 'device.create', device.id, null, input);
        return device;
      });
    },

    /**
     * Issues a new secret. The previous one keeps working until `graceSeconds` have passed, so
     * a fleet can be re-provisioned without dropping data. Returns false for an unknown device.
     */
    rotateSecret(
      id: string,
      sealedSecret: string,
      keyVersion: number,
      graceSeconds: number,
      meta: Meta,
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [device] = await tx
          .select({ id: devices.id })
          .from(devices)
          .where(and(reachable(id), eq(devices.status, 'active')))
          .for('update');
        if (!device) return false;
        await tx
          .update(deviceCredentials)
          .set({
            validUntil: sql`least(coalesce(${deviceCredentials.validUntil}, 'infinity'), now() + make_interval(secs => ${graceSeconds}))`,
          })
          .where(
            and(
              eq(deviceCredentials.tenantId, tenantId),
              eq(deviceCredentials.deviceId, id),
              isNull(deviceCredentials.revokedAt),
            ),
          );
        await tx.insert(deviceCredentials).values({
          id: newId('deviceCredential'),
          tenantId,
          deviceId: id,
          secretCiphertext: sealedSecret,
          keyVersion,
        });
        await audit(tx, meta, 'device.rotate_secret', id, null, { graceSeconds });
        return true;
      });
    },

    /**
     * Revokes the device and every secret at once. `undefined` when the device is not in this
     * tenant; `'already_revoked'` when there was nothing to do (nothing is audited twice).
     */
    revoke(id: string, meta: Meta): Promise<Device | 'already_revoked' | undefined> {
      return db.transaction(async (tx) => {
        const [device] = await tx
          .update(devices)
          .set({ status: 'revoked', updatedAt: new Date() })
          .where(and(reachable(id), eq(devices.status, 'active')))
          .returning();
        if (!device) {
          const [exists] = await tx.select({ id: devices.id }).from(devices).where(reachable(id));
          return exists ? 'already_revoked' : undefined;
        }
        await tx
          .update(deviceCredentials)
          .set({ revokedAt: new Date() })
          .where(
            and(
              eq(deviceCredentials.tenantId, tenantId),
              eq(deviceCredentials.deviceId, id),
              isNull(deviceCredentials.revokedAt),
            ),
          );
        await audit(tx, meta, 'device.revoke', id, { status: 'active' }, { status: 'revoked' });
        return device;
      });
    },

    /** One page of devices in creation order; pass the previous page's last device as `after`. */
    list(
      filter: DeviceFilter,
      page: { limit: number; after?: { createdAt: Date; id: string } },
    ): Promise<Device[]> {
      const conditions = [eq(devices.tenantId, tenantId)];
      if (visible) conditions.push(visible);
      if (filter.facilityId) conditions.push(eq(devices.facilityId, filter.facilityId));
      if (filter.status) conditions.push(eq(devices.status, filter.status));
      if (filter.tag) conditions.push(arrayContains(devices.tags, [filter.tag]));
      if (filter.nameContains) {
        conditions.push(ilike(devices.name, `%${likeLiteral(filter.nameContains)}%`));
      }
      if (filter.connectivity) {
        const { is, clock } = filter.connectivity;
        conditions.push(sql`${connectivityOf(clock)} = ${is}`);
      }
      if (page.after) {
        conditions.push(
          or(
            gt(devices.createdAt, page.after.createdAt),
            and(eq(devices.createdAt, page.after.createdAt), gt(devices.id, page.after.id)),
          ) as SQL,
        );
      }
      return db
        .select()
        .from(devices)
        .where(and(...conditions))
        .orderBy(asc(devices.createdAt), asc(devices.id))
        .limit(page.limit);
    },

    /** Changes the given fields; audited with before and after. `undefined` if not in tenant. */
    update(id: string, patch: DevicePatch, meta: Meta): Promise<Device | undefined> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(devices).where(reachable(id)).for('update');
        if (!before) return undefined;
        const [after] = await tx
          .update(devices)
          .set({ ...patch, updatedAt: new Date() })
          .where(reachable(id))
          .returning();
        await audit(tx, meta, 'device.update', id, ...patchedFields(patch, before, after));
        return after;
      });
    },

    /** The newest value of each metric (by event time), for status panels and tiles. */
    latest(id: string) {
      return db
        .select({
          metric: deviceLatest.metric,
          value: deviceLatest.value,
          ts: deviceLatest.ts,
          seq: deviceLatest.seq,
          receivedAt: deviceLatest.receivedAt,
        })
        .from(deviceLatest)
        .where(and(eq(deviceLatest.tenantId, tenantId), eq(deviceLatest.deviceId, id)))
        .orderBy(asc(deviceLatest.metric));
    },

    /**
     * The newest value of each metric of several devices in one statement (a list or a facility
     * page), in metric order; devices the caller may not reach contribute nothing.
     */
    latestOf(ids: readonly string[]): Promise<LatestValue[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .select({
          deviceId: deviceLatest.deviceId,
          metric: deviceLatest.metric,
          value: deviceLatest.value,
          ts: deviceLatest.ts,
        })
        .from(deviceLatest)
        .innerJoin(
          devices,
          and(eq(devices.tenantId, deviceLatest.tenantId), eq(devices.id, deviceLatest.deviceId)),
        )
        .where(
          and(
            eq(deviceLatest.tenantId, tenantId),
            inArray(deviceLatest.deviceId, [...ids]),
            visible,
          ),
        )
        .orderBy(asc(deviceLatest.deviceId), asc(deviceLatest.metric));
    },

    /**
     * Which of these devices have an ongoing offline alert (the sweep's judgement): one input
     * of core's `deviceConnectivity`, which also weighs how long each has been silent.
     */
    async openOfflineAlertsAmong(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db
        .select({ id: devices.id })
        .from(devices)
        .where(
          and(
            eq(devices.tenantId, tenantId),
            inArray(devices.id, [...ids]),
            offlineAlertOpen,
            visible,
          ),
        );
      return new Set(rows.map((r) => r.id));
    },

    /** The device's secrets as metadata only (never the ciphertext), newest first. */
    credentials(id: string) {
      return db
        .select({
          id: deviceCredentials.id,
          createdAt: deviceCredentials.createdAt,
          validUntil: deviceCredentials.validUntil,
          revokedAt: deviceCredentials.revokedAt,
        })
        .from(deviceCredentials)
        .where(and(eq(deviceCredentials.tenantId, tenantId), eq(deviceCredentials.deviceId, id)))
        .orderBy(desc(deviceCredentials.createdAt), desc(deviceCredentials.id));
    },
  };
}
