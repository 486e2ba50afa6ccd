import { z } from 'zod';
import { validateWith } from '../errors/validate-with.js';

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

/** A new device from untrusted input (a form, a JSON body); throws VALIDATION (→ 422). */
export const validateDevice = (input: unknown): DeviceInput =>
  validateWith(DeviceInputSchema, input, 'device');

/** A device change from untrusted input; throws VALIDATION (→ 422). */
export const validateDevicePatch = (input: unknown): DevicePatch =>
  validateWith(DevicePatchSchema, input, 'device');

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
