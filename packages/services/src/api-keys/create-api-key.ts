import { type ApiKeyScope, DomainError } from '@anythingiot/core';
import { type ApiKeyInfo, createApiKey as insertApiKey } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';

/**
 * Creates a key for the caller's tenant, shown once. A key can only hand out scopes it holds
 * itself, so a narrow integration key cannot mint a broader one.
 */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date };
}): Promise<ApiKeyInfo & { key: string }> {
  const beyond = input.scopes.filter((s) => !ctx.scopes.includes(s));
  if (beyond.length > 0) {
    throw new DomainError('FORBIDDEN', `This API key cannot grant ${beyond.join(', ')}.`, {
      reason: 'scope_escalation',
    });
  }
  if (input.expiresAt && input.expiresAt.getTime() <= ctx.ports.now()) {
    throw new DomainError('VALIDATION', 'expiresAt must be in the future.', {
      errors: [{ path: 'expiresAt', message: 'must be in the future' }],
    });
  }
  return insertApiKey(
    ctx.db,
    ctx.tenantId,
    { name: input.name, scopes: [...new Set(input.scopes)], expiresAt: input.expiresAt },
    auditMeta(ctx),
  );
}
