import { type Actor, newId } from '@anythingiot/core';
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../client.js';
import { webhookEndpoints } from '../schema/index.js';
import { auditTrail } from './audit.js';

type Meta = { actor: Actor; requestId: string | null };
type Row = typeof webhookEndpoints.$inferSelect;

/** An endpoint as lists show it: never the secret, sealed or not. */
export type WebhookEndpoint = Omit<Row, 'secretCiphertext' | 'keyVersion'>;
/** An endpoint with its sealed secret, for signing a delivery. */
export type WebhookEndpointWithSecret = Row;

const publicColumns = {
  id: webhookEndpoints.id,
  tenantId: webhookEndpoints.tenantId,
  name: webhookEndpoints.name,
  url: webhookEndpoints.url,
  enabled: webhookEndpoints.enabled,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

/** Webhook endpoints of one tenant; every statement carries the tenant in its WHERE. */
export function webhookEndpointRepo(db: Database, tenantId: string) {
  const audit = auditTrail(tenantId, 'webhook_endpoint');
  const byId = (id: string) =>
    and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id));

  return {
    list(): Promise<WebhookEndpoint[]> {
      return db
        .select(publicColumns)
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.tenantId, tenantId))
        .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
    },

    async get(id: string): Promise<WebhookEndpoint | undefined> {
      const [row] = await db.select(publicColumns).from(webhookEndpoints).where(byId(id));
      return row;
    },

    /** With the sealed secret: only the deliver job needs this. */
    async getWithSecret(id: string): Promise<WebhookEndpointWithSecret | undefined> {
      const [row] = await db.select().from(webhookEndpoints).where(byId(id));
      return row;
    },

    /** The secret arrives sealed; it is never audited, only that one was issued. */
    create(
      input: { name: string; url: string },
      sealedSecret: string,
      keyVersion: number,
      meta: Meta,
    ): Promise<WebhookEndpoint> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(webhookEndpoints)
          .values({
            id: newId('webhookEndpoint'),
            tenantId,
            ...input,
            secretCiphertext: sealedSecret,
            keyVersion,
          })
          .returning(publicColumns);
        if (!row) throw new Error('insert returned no row');
        await audit(tx, meta, 'webhook_endpoint.create', row.id, null, input);
        return row;
      });
    },

    /** Enables or disables; undefined when not in this tenant. Audited only when it changes. */
    setEnabled(id: string, enabled: boolean, meta: Meta): Promise<WebhookEndpoint | undefined> {
      return db.transaction(async (tx) => {
        const [before] = await tx
          .select(publicColumns)
          .from(webhookEndpoints)
          .where(byId(id))
          .for('update');
        if (!before) return undefined;
        if (before.enabled === enabled) return before;
        const [row] = await tx
          .update(webhookEndpoints)
          .set({ enabled, updatedAt: new Date() })
          .where(byId(id))
          .returning(publicColumns);
        await audit(
          tx,
          meta,
          enabled ? 'webhook_endpoint.enable' : 'webhook_endpoint.disable',
          id,
          { enabled: before.enabled },
          { enabled },
        );
        return row;
      });
    },

    /** Deletes the endpoint; false when not in this tenant. Past deliveries keep their record. */
    delete(id: string, meta: Meta): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [row] = await tx.delete(webhookEndpoints).where(byId(id)).returning(publicColumns);
        if (!row) return false;
        await audit(
          tx,
          meta,
          'webhook_endpoint.delete',
          id,
          { name: row.name, url: row.url },
          null,
        );
        return true;
      });
    },
  };
}
