import type { Problem } from '@anythingiot/accounts';
import type { FacilityType } from '@anythingiot/core';
import { FACILITY_TYPE_LABEL, FACILITY_TYPES } from './facility';
import { Field, SelectField } from './form';
import { TimeZoneField } from './time-zone-field';

/** The fields a facility form shows, for its FormError. */
export const FACILITY_FIELDS = ['name', 'type', 'address', 'timeZone'] as const;

const TYPE_CHOICES = FACILITY_TYPES.map((type) => ({
  value: type,
  label: FACILITY_TYPE_LABEL[type],
}));

/** A facility's fields, the same for creating one and editing it, starting at `values`. */
export function FacilityFields({
  problem,
  values,
}: {
  problem: Problem | null | undefined;
  values: { name?: string; type: FacilityType; address?: string; timeZone: string };
}) {
  return (
    <>
      <Field
        label="Name"
        name="name"
        defaultValue={values.name}
        required
        maxLength={120}
        problem={problem}
      />
      <SelectField
        label="Type"
        name="type"
        defaultValue={values.type}
        problem={problem}
        choices={TYPE_CHOICES}
      />
      <Field
        label="Address"
        name="address"
        defaultValue={values.address}
        autoComplete="street-address"
        maxLength={500}
        problem={problem}
        hint="Optional; for a vehicle, its registration or depot."
      />
      <TimeZoneField problem={problem} defaultValue={values.timeZone} />
    </>
  );
}
