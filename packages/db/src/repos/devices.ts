import { type Actor, newId } from '@anythingiot/core';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { deviceCredentials, devices } from '../schema/index.js';
import { appendAudit } from './audit.js';

export type Device = typeof devices.$inferSelect;
export type NewDevice = {
  name: string;
  facilityId?: string | null;
  model?: string;
  tags?: string[];
  expectedIntervalSeconds?: number;
};
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

/** Devices of one tenant; every statement carries the tenant in its WHERE. */
export function deviceRepo(db: Database, tenantId: string) {
  const audit = (
    tx: Parameters<typeof appendAudit>[0],
    meta: Meta,
    action: string,
    id: string,
    before: unknown,
    after: unknown,
  ) =>
    appendAudit(
      tx,
      {
        actor: meta.actor,
        action,
        target: { type: 'device', id },
        before,
        after,
        reason: null,
        requestId: meta.requestId,
        at: new Date(),
      },
      tenantId,
    );

  return {
    async get(id: string): Promise<Device | undefined> {
      const [row] = await db
        .select()
        .from(devices)
        .where(and(eq(devices.tenantId, tenantId), eq(devices.id, id)));
      return row;
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
          .where(
            and(eq(devices.tenantId, tenantId), eq(devices.id, id), eq(devices.status, 'active')),
          )
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

    /** Revokes the device and every secret at once. Returns false for an unknown device. */
    revoke(id: string, meta: Meta): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [device] = await tx
          .update(devices)
          .set({ status: 'revoked', updatedAt: new Date() })
          .where(and(eq(devices.tenantId, tenantId), eq(devices.id, id)))
          .returning({ id: devices.id });
        if (!device) return false;
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
        return true;
      });
    },
  };
}
