import { z } from 'zod';
import { isValidTimeZone } from '../alerts/schedule.js';
import { validateWith } from '../errors/validate-with.js';
import { FacilityTypeSchema } from './roles.js';

/**
 * An IANA time zone name (`Europe/Berlin`, `UTC`), stored in the runtime's canonical spelling
 * (`europe/berlin` → `Europe/Berlin`). Offsets (`+01:00`), which newer runtimes accept, are
 * refused: they know no daylight saving, so a facility's schedules would drift by an hour.
 */
export const IanaTimeZoneSchema = z
  .string()
  .trim()
  .refine(
    (tz) => /^[A-Za-z]/.test(tz) && isValidTimeZone(tz),
    'must be an IANA time zone, e.g. Europe/Berlin',
  )
  .transform((tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone);

const FacilityFieldsSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters'),
  type: FacilityTypeSchema,
  address: z.string().trim().max(500, 'at most 500 characters'),
  timeZone: IanaTimeZoneSchema,
});

/** A new facility: a name; type (default `other`), address and time zone (default UTC) optional. */
export const FacilityInputSchema = FacilityFieldsSchema.partial().required({ name: true }).strict();
export type FacilityInput = z.infer<typeof FacilityInputSchema>;

/** A change to a facility: any of its fields, at least one. */
export const FacilityPatchSchema = FacilityFieldsSchema.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'change at least one field');
export type FacilityPatch = z.infer<typeof FacilityPatchSchema>;

/** A new facility from untrusted input (a form, a JSON body); throws VALIDATION (→ 422). */
export const validateFacility = (input: unknown): FacilityInput =>
  validateWith(FacilityInputSchema, input, 'facility');

/** A facility change from untrusted input; throws VALIDATION (→ 422). */
export const validateFacilityPatch = (input: unknown): FacilityPatch =>
  validateWith(FacilityPatchSchema, input, 'facility');
