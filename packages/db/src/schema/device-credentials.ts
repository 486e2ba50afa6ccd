import { foreignKey, index, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns.js';
import { devices } from './devices.js';

/**
 * A device's HMAC secret, encrypted at rest (AES-GCM; `keyVersion` names the key so it can be
 * rotated). After a rotation the previous secret stays valid until `validUntil` (grace period);
 * revocation sets `revokedAt` and takes effect at once.
 */
export const deviceCredentials = pgTable(
  'device_credentials',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    deviceId: text('device_id').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    keyVersion: integer('key_version').notNull(),
    validUntil: tstz('valid_until'),
    revokedAt: tstz('revoked_at'),
    ...timestamps,
  },
  (t) => [
    unique('device_credentials_tenant_id_id_key').on(t.tenantId, t.id),
    index('device_credentials_device_id_idx').on(t.deviceId),
    foreignKey({
      name: 'device_credentials_device_fk',
      columns: [t.tenantId, t.deviceId],
      foreignColumns: [devices.tenantId, devices.id],
    }).onDelete('cascade'),
  ],
);
