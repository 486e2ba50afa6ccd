import { API_KEY_SCOPES } from '@anythingiot/core';
import type { ApiKeyInfo } from '@anythingiot/db';
import { z } from '@hono/zod-openapi';

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: 'key_0123456789abcdefghjk' }),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first part of the key, to tell keys apart' }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdBy: z.string().nullable(),
    createdByKeyId: z
      .string()
      .nullable()
      .openapi({ description: 'The key that created this one; revoking it revokes this one too' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: 'Updated at most once a minute' }),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

export const NewApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .openapi('NewApiKey');

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public shape of a key: never the key itself or its hash. */
export function presentApiKey(k: ApiKeyInfo): z.infer<typeof ApiKeySchema> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdBy: k.createdBy,
    createdByKeyId: k.createdByKeyId,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
  };
}
