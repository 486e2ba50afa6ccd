import type { FieldError } from '@anythingiot/core';
import type { AuditFilter } from '@anythingiot/db';
import { z } from 'zod';
import { blankIsAbsent, cursorParam, dayParam, listQuery } from './filters.server';

/** Entity types the audit log records, for the "what" filter. */
export const AUDIT_ENTITY_TYPES = [
  'alert',
  'alert_rule',
  'api_key',
  'command',
  'device',
  'facility',
  'invitation',
  'membership',
  'notification_policy',
  'tenant',
  'user',
  'webhook_endpoint',
] as const;

/** Who acted, as the "who" filter offers it: one member, or a kind of non-person actor. */
export const ACTOR_KINDS = ['apiKey', 'device', 'system', 'job'] as const;

const AuditQuerySchema = z.object({
  who: z.preprocess(
    blankIsAbsent,
    z
      .union([z.enum(ACTOR_KINDS), z.string().regex(/^user:usr_[0-9a-z]{20}$/)], {
        error: 'Choose someone from the list.',
      })
      .optional(),
  ),
  what: z.preprocess(
    blankIsAbsent,
    z.enum(AUDIT_ENTITY_TYPES, { error: 'Choose a listed kind of thing.' }).optional(),
  ),
  action: z.preprocess(
    (v) => (typeof v === 'string' ? blankIsAbsent(v.trim()) : v),
    z
      .string()
      .regex(/^[a-z_]+\.[a-z_]+$/, 'An action looks like device.update.')
      .max(80)
      .optional(),
  ),
  from: dayParam,
  to: dayParam,
  cursor: cursorParam,
});

export type AuditQueryParams = z.infer<typeof AuditQuerySchema>;

/**
 * The audit page's and the CSV export's query string as the use case's filter, with the days
 * read in the company's time zone; field errors for anything that is not a valid filter.
 */
export function parseAuditQuery(
  search: URLSearchParams,
  timeZone: string,
): { filter: AuditFilter; cursor?: string; errors: FieldError[] } {
  const { query, errors } = listQuery(
    AuditQuerySchema.safeParse(Object.fromEntries(search)),
    timeZone,
  );
  const { who, what, action, cursor, ...range } = query;
  const filter: AuditFilter = { ...range };
  if (who?.startsWith('user:')) {
    filter.actorType = 'user';
    filter.actorId = who.slice('user:'.length);
  } else if (who) filter.actorType = who as AuditFilter['actorType'];
  if (what) filter.targetType = what;
  if (action) filter.action = action;
  return { filter, ...(cursor ? { cursor } : {}), errors };
}
