import { type Actor, type ApiKeyScope, DomainError, newApiKey, newId } from '@anythingiot/core';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
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
  /** The key that minted this one, if a key did. */
  createdByKeyId: string | null;
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
  createdByKeyId: apiKeys.createdByKeyId,
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

/** The later of two expiries is never chosen: null means "never expires". */
const earlier = (a: Date | null, b: Date | null): Date | null =>
  a === null ? b : b === null ? a : a.getTime() <= b.getTime() ? a : b;

/**
 * Creates a tenant API key; the full key is returned once and only its hash is stored. A key
 * minted by another key records its parent and expires no later than it (a 7-day key cannot
 * mint a key that outlives it). The parent row is locked FOR SHARE, so a revocation running at
 * the same moment waits for this insert and then finds — and revokes — the new child too.
 */
export async function createApiKey(
  db: Database,
  tenantId: string,
  input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date | null },
  meta: Meta,
): Promise<ApiKeyInfo & { key: string }> {
  const { key, prefix, hash } = await newApiKey();
  const id = newId('apiKey');
  const row = await db.transaction(async (tx) => {
    let expiresAt = input.expiresAt ?? null;
    let createdByKeyId: string | null = null;
    if (meta.actor.type === 'apiKey') {
      const [parent] = await tx
        .select({ id: apiKeys.id, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, meta.actor.id)))
        .for('share');
      if (!parent || parent.revokedAt !== null) {
        throw new DomainError('UNAUTHENTICATED', 'This API key is no longer valid.', {
          reason: 'revoked',
        });
      }
      createdByKeyId = parent.id;
      expiresAt = earlier(expiresAt, parent.expiresAt);
    }
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
        createdByKeyId,
        expiresAt,
      })
      .returning(info);
    if (!created) throw new Error('insert returned no row');
    await auditTrail(tenantId, 'api_key')(tx, meta, 'api_key.create', id, null, {
      name: input.name,
      prefix,
      scopes: input.scopes,
      expiresAt,
      createdByKeyId,
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
     * Revokes at once (the next request with it gets 401), and with it every key it minted,
     * their children too, each with its own audit entry naming the parent. `undefined` when
     * the key is not in this tenant; `'already_revoked'` when there was nothing to do.
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
        await revokeDescendants(tx, tenantId, id, meta);
        return row as ApiKeyInfo;
      });
    },
  };
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Revokes the keys descended from `parentId` that are still live, in the same transaction as
 * the parent, one audit entry each (reason names the parent). Every step of the walk stays in
 * the tenant, and the composite foreign key keeps the tree inside it anyway.
 */
async function revokeDescendants(tx: Tx, tenantId: string, parentId: string, meta: Meta) {
  const result = await tx.execute<{ id: string; created_by_key_id: string; revoked_at: Date }>(sql`
    with recursive tree(id) as (
      select id from api_keys where tenant_id = ${tenantId} and created_by_key_id = ${parentId}
      union
      select k.id from api_keys k join tree on k.created_by_key_id = tree.id
      where k.tenant_id = ${tenantId}
    )
    update api_keys set revoked_at = now(), updated_at = now()
    where tenant_id = ${tenantId} and id in (select id from tree) and revoked_at is null
    returning id, created_by_key_id, revoked_at`);
  const audit = auditTrail(tenantId, 'api_key');
  for (const child of [...result.rows].sort((a, b) => a.id.localeCompare(b.id))) {
    await audit(
      tx,
      meta,
      'api_key.revoke',
      child.id,
      { revokedAt: null },
      { revokedAt: new Date(child.revoked_at), revokedWith: parentId },
      `revoked with its parent key ${parentId}`,
    );
  }
}
