import { type ApiKeyScope, DomainError, hashApiKey, looksLikeApiKey } from '@anythingiot/core';
import { findApiKeyAuth } from '@anythingiot/db';
import type { TenantCtx } from '@anythingiot/services';
import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../deps.js';
import { fixedWindowExceeded } from '../lib/rate-limit.js';
import { servicePorts } from '../service-ports.js';

const unauthenticated = (reason: string, message: string) =>
  new DomainError('UNAUTHENTICATED', message, { reason });

/**
 * Route middleware: authenticates `Authorization: Bearer aik_…`, checks the route's scope,
 * applies the per-key rate limit, and puts the tenant context on `c.var.ctx`. Every tenant
 * route declares it, so a route without it has no `ctx` to work with (it would not type-check).
 *
 * Answers: no or malformed credential → 401 `missing_credential`; unknown, revoked or expired
 * key → 401 `invalid_credential` (one answer, so nothing about other keys leaks); a valid key
 * without the scope → 403 `missing_scope`; over the key's or the tenant's rate → 429 with
 * Retry-After.
 */
export function authorize(scope: ApiKeyScope) {
  return createMiddleware<AppEnv & { Variables: { ctx: TenantCtx } }>(async (c, next) => {
    const header = c.req.header('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) {
      throw unauthenticated(
        'missing_credential',
        'Send an API key as "Authorization: Bearer aik_…".',
      );
    }
    const invalid = unauthenticated('invalid_credential', 'The API key is not valid.');
    if (!looksLikeApiKey(token)) throw invalid;
    const key = await findApiKeyAuth(c.var.db(), await hashApiKey(token));
    if (!key) throw invalid;
    if (!key.scopes.includes(scope)) {
      throw new DomainError('FORBIDDEN', `This API key lacks the "${scope}" scope.`, {
        reason: 'missing_scope',
      });
    }
    await enforceRateLimits(c.var.deps, key);
    c.set('ctx', {
      tenantId: key.tenantId,
      actor: { type: 'apiKey', id: key.id },
      scopes: key.scopes,
      // An API key acts for the whole tenant: it is not limited to facilities.
      facilityIds: null,
      requestId: c.var.requestId,
      db: c.var.db(),
      ports: servicePorts(c.var.deps),
    });
    await next();
  });
}

/**
 * Two fixed windows: one per key, and one for the whole tenant — a key with `api_keys:write`
 * can mint many keys, each with its own allowance, so the key's window alone would multiply.
 * The tenant's is counted only for requests the key's window let through, so one key hammering
 * past its own limit does not use up its siblings' share.
 */
async function enforceRateLimits(deps: AppDeps, key: { id: string; tenantId: string }) {
  const perKey = await fixedWindowExceeded(
    deps,
    `rate:api-key:${key.id}`,
    deps.apiKeyRatePerMinute,
  );
  if (perKey !== undefined) {
    throw new DomainError('RATE_LIMITED', 'Too many requests with this API key.', {
      reason: 'rate_limited',
      retryAfterSeconds: perKey,
    });
  }
  const perTenant = await fixedWindowExceeded(
    deps,
    `rate:tenant:${key.tenantId}`,
    deps.tenantRatePerMinute,
  );
  if (perTenant !== undefined) {
    throw new DomainError(
      'RATE_LIMITED',
      "Too many requests with this tenant's API keys together; wait for Retry-After.",
      { reason: 'tenant_rate_limited', retryAfterSeconds: perTenant },
    );
  }
}
