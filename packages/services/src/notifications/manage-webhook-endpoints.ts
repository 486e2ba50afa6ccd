import {
  bytesToBase64Url,
  DomainError,
  sealSecret,
  WEBHOOK_REFUSAL_MESSAGES,
} from '@anythingiot/core';
import { type WebhookEndpoint, webhookEndpointRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { notFound, requireWholeTenant } from './notification-guards.js';
import {
  checkWebhookDestination,
  destinationRefused,
  UnresolvedDestination,
} from './webhook-destinations.js';

/** A new signing secret: 256 random bits, prefixed so it is recognisable in a config file. */
export function newWebhookSecret(): string {
  return `whsec_${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * Registers an endpoint and issues its signing secret. The plaintext secret exists only in
 * this answer: it is stored sealed with the keyring (like device secrets) and never shown again.
 * The URL must be a public https destination (`ctx.ports.webhookDestinations`; strict when
 * absent): anything else is refused before a row is written.
 */
export async function createWebhookEndpoint({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { name: string; url: string };
}): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requireWholeTenant(ctx, 'Webhook endpoints');
  await assertAllowedDestination(ctx, input.url);
  const keyring = await ctx.ports.keyring();
  const secret = newWebhookSecret();
  const endpoint = await webhookEndpointRepo(ctx.db, ctx.tenantId).create(
    input,
    await sealSecret(keyring, secret),
    keyring.current,
    auditMeta(ctx),
  );
  return { endpoint, secret };
}

async function assertAllowedDestination(ctx: TenantCtx, url: string) {
  let verdict: Awaited<ReturnType<typeof checkWebhookDestination>>;
  try {
    verdict = await checkWebhookDestination(url, ctx.ports.webhookDestinations);
  } catch (err) {
    if (!(err instanceof UnresolvedDestination)) throw err;
    throw new DomainError('UNAVAILABLE', 'The webhook URL’s host name could not be checked.', {
      reason: 'resolver_unavailable',
      retryAfterSeconds: 30,
    });
  }
  if (!verdict.ok) throw destinationRefused(WEBHOOK_REFUSAL_MESSAGES[verdict.reason]);
}

export async function listWebhookEndpoints({ ctx }: { ctx: TenantCtx }) {
  requireWholeTenant(ctx, 'Webhook endpoints');
  return webhookEndpointRepo(ctx.db, ctx.tenantId).list();
}

/** Enables or disables; deliveries to a disabled endpoint end dead instead of being sent. */
export async function setWebhookEndpointEnabled({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; enabled: boolean };
}) {
  requireWholeTenant(ctx, 'Webhook endpoints');
  const endpoint = await webhookEndpointRepo(ctx.db, ctx.tenantId).setEnabled(
    input.id,
    input.enabled,
    auditMeta(ctx),
  );
  if (!endpoint) throw notFound('webhook endpoint', input.id);
  return endpoint;
}

export async function deleteWebhookEndpoint({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}) {
  requireWholeTenant(ctx, 'Webhook endpoints');
  const deleted = await webhookEndpointRepo(ctx.db, ctx.tenantId).delete(input.id, auditMeta(ctx));
  if (!deleted) throw notFound('webhook endpoint', input.id);
}
