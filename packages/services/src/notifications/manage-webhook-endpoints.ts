import { bytesToBase64Url, sealSecret } from '@anythingiot/core';
import { type WebhookEndpoint, webhookEndpointRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { notFound } from './notification-errors.js';

/** A new signing secret: 256 random bits, prefixed so it is recognisable in a config file. */
export function newWebhookSecret(): string {
  return `whsec_${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * Registers an endpoint and issues its signing secret. The plaintext secret exists only in
 * this answer: it is stored sealed with the keyring (like device secrets) and never shown again.
 */
export async function createWebhookEndpoint({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { name: string; url: string };
}): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
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

export function listWebhookEndpoints({ ctx }: { ctx: TenantCtx }) {
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
  const deleted = await webhookEndpointRepo(ctx.db, ctx.tenantId).delete(input.id, auditMeta(ctx));
  if (!deleted) throw notFound('webhook endpoint', input.id);
}
