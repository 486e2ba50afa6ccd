import { DomainError, isId } from '@anythingiot/core';
import { type ApiKeyInfo, apiKeyRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';

/** Revokes a key of the caller's tenant at once; a key may revoke itself. */
export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}): Promise<ApiKeyInfo> {
  const notFound = new DomainError('NOT_FOUND', `No API key ${input.id} in this tenant.`, {
    reason: 'not_found',
  });
  if (!isId('apiKey', input.id)) throw notFound;
  const result = await apiKeyRepo(ctx.db, ctx.tenantId).revoke(input.id, auditMeta(ctx));
  if (result === undefined) throw notFound;
  if (result === 'already_revoked') {
    throw new DomainError('CONFLICT', 'The API key is already revoked.', {
      reason: 'already_revoked',
    });
  }
  return result;
}
