import { DomainError } from '@anythingiot/core';
import type { z } from 'zod';

/**
 * A verified job body, parsed. Malformed means a bug on our side, answered 422: QStash retries
 * it, but only a deploy can fix it, and the dead-letter list keeps the evidence.
 */
export function parseJob<T>(schema: z.ZodType<T>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DomainError('VALIDATION', 'The job body is malformed.');
  return parsed.data;
}
