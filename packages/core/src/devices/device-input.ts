import { z } from 'zod';
import { fieldErrors } from '../alerts/rule.js';
import { DomainError } from '../errors/domain-error.js';

/** A reporting interval a device can promise: one second to one day (the database's bound). */
export const MAX_EXPECTED_INTERVAL_SECONDS = 86_400;

const TagSchema = z
  .string()
  .trim()
  .min(1, 'a tag must not be empty')
  .max(40, 'at most 40 characters per tag');

const DeviceFieldsSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
  /** null: in no facility (only callers who see every facility may leave it out). */
  facilityId: z.string().min(1, 'choose a facility').nullable(),
  model: z.string().trim().max(100, 'at most 100 characters'),
  tags: z
    .array(TagSchema)
    .max(20, 'at most 20 tags')
    .refine((tags) => new Set(tags).size === tags.length, 'tags must be unique'),
  expectedIntervalSeconds: z
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'at least 1 second')
    .max(MAX_EXPECTED_INTERVAL_SECONDS, 'at most 86400 seconds (one day)'),
});

/** A device to register: a name; facility, model, tags and reporting interval optional. */
export const DeviceInputSchema = DeviceFieldsSchema.partial().required({ name: true }).strict();
export type DeviceInput = z.infer<typeof DeviceInputSchema>;

/** A change to a device: any of its fields, at least one. */
export const DevicePatchSchema = DeviceFieldsSchema.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'change at least one field');
export type DevicePatch = z.infer<typeof DevicePatchSchema>;

function parseDevice<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new DomainError('VALIDATION', 'The device is invalid.', {
    reason: 'invalid_device',
    errors: fieldErrors(parsed.error),
  });
}

/** A new device from untrusted input (a form, a JSON body); throws VALIDATION (→ 422). */
export const validateDevice = (input: unknown): DeviceInput =>
  parseDevice(DeviceInputSchema, input);

/** A device change from untrusted input; throws VALIDATION (→ 422). */
export const validateDevicePatch = (input: unknown): DevicePatch =>
  parseDevice(DevicePatchSchema, input);

/**
 * Tags as people type them in one box: separated by commas, spaces around them ignored, empty
 * ones dropped ("cold, , vaccines" → ["cold", "vaccines"]). Duplicates are kept so validation
 * can say so instead of silently dropping what was typed.
 */
export function parseTagList(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}
