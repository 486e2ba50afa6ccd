import { type Actor, type ApiKeyScope, newApiKey, newId } from '@anythingiot/core';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../client.js';
import { apiKeys } from '../schema/index.js';
import { auditTrail } from './audit.js';

type Meta = { actor: Actor; requestId: string | null };

/** An API key as lists show it: never the key or its hash. */
export type ApiKeyInfo = {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

const info = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdBy: apiKeys.createdBy,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};

/** What a request authenticated by an API key may do, and for which tenant. */
export type ApiKeyAuth = { id: string; tenantId: string; scopes: ApiKeyScope[] };

/**
 * Finds a usable key by its hash (not revoked, not expired) in one round trip, and records
 * its use at most once a minute so a busy integration does not rewrite the row per request.
 * Not tenant-scoped on purpose: the key *is* the credential; the tenant comes from its row.
 */
export async function findApiKeyAuth(
  db: Database,
  keyHash: string,
): Promise<ApiKeyAuth | undefined> {
  const result = await db.$client.query<ApiKeyAuth>(
    `with k as (
       select id, tenant_id as "tenantId", scopes, last_used_at from api_keys
       where key_hash = $1 and revoked_at is null and (expires_at is null or expires_at > now())
     ), used as (
       update api_keys set last_used_at = now()
       where id = (select id from k)
         and (last_used_at is null or last_used_at < now() - interval '1 minute')
     )
     select id, "tenantId", scopes from k`,
    [keyHash],
  );
  return result.rows[0];
}

/** Creates a tenant API key; the full key is returned once and only its hash is stored. */
export async function createApiKey(
  db: Database,
  tenantId: string,
  input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date | null },
  meta: Meta,
): Promise<ApiKeyInfo & { key: string }> {
  const { key, prefix, hash } = await newApiKey();
  const id = newId('apiKey');
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiKeys)
      .values({
        id,
        tenantId,
        name: input.name,
        prefix,
        keyHash: hash,
        scopes: input.scopes,
        createdBy: meta.actor.id,
        expiresAt: input.expiresAt ?? null,
      })
      .returning(info);
    if (!created) throw new Error('insert returned no row');
    await auditTrail(tenantId, 'api_key')(tx, meta, 'api_key.create', id, null, {
      name: input.name,
      prefix,
      scopes: input.scopes,
      expiresAt: input.expiresAt,
    });
    return created;
  });
  return { ...(row as ApiKeyInfo), key };
}

/** A tenant's API keys; every statement carries the tenant in its WHERE. */
export function apiKeyRepo(db: Database, tenantId: string) {
  return {
    async list(): Promise<ApiKeyInfo[]> {
      const rows = await db
        .select(info)
        .from(apiKeys)
        .where(eq(apiKeys.tenantId, tenantId))
        .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
      return rows as ApiKeyInfo[];
    },

    /**
     * Revokes at once (the next request with it gets 401). `undefined` when the key is not in
     * this tenant; `'already_revoked'` when there was nothing to do.
     */
    revoke(id: string, meta: Meta): Promise<ApiKeyInfo | 'already_revoked' | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(apiKeys)
          .set({ revokedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
          .returning(info);
        if (!row) {
          const [exists] = await tx
            .select({ id: apiKeys.id })
            .from(apiKeys)
            .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
          return exists ? 'already_revoked' : undefined;
        }
        await auditTrail(tenantId, 'api_key')(
          tx,
          meta,
          'api_key.revoke',
          id,
          { revokedAt: null },
          { revokedAt: row.revokedAt },
        );
        return row as ApiKeyInfo;
      });
    },
  };
}
