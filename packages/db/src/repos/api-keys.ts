import { type Actor, type ApiKeyScope, newApiKey, newId } from '@anythingiot/core';
import type { Database } from '../client.js';
import { apiKeys } from '../schema/index.js';
import { appendAudit } from './audit.js';

/** Creates a tenant API key; the full key is returned once and only its hash is stored. */
export async function createApiKey(
  db: Database,
  tenantId: string,
  input: { name: string; scopes: ApiKeyScope[] },
  meta: { actor: Actor; requestId: string | null },
): Promise<{ id: string; key: string; prefix: string }> {
  const { key, prefix, hash } = await newApiKey();
  const id = newId('apiKey');
  await db.transaction(async (tx) => {
    await tx.insert(apiKeys).values({
      id,
      tenantId,
      name: input.name,
      prefix,
      keyHash: hash,
      scopes: input.scopes,
      createdBy: meta.actor.id,
    });
    await appendAudit(
      tx,
      {
        actor: meta.actor,
        action: 'api_key.create',
        target: { type: 'api_key', id },
        before: null,
        after: { name: input.name, prefix, scopes: input.scopes },
        reason: null,
        requestId: meta.requestId,
        at: new Date(),
      },
      tenantId,
    );
  });
  return { id, key, prefix };
}
