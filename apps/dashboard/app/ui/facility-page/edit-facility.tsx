import { Form, useActionData } from '@remix-run/react';
import type { action } from '~/routes/_app.facilities.$facilityId';
import { FACILITY_TYPE_LABEL, FACILITY_TYPES } from '~/ui/facility';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
import { TimeZoneField } from '~/ui/time-zone-field';
import type { FacilityPageData as Data } from './types';

const EDIT_FIELDS = ['name', 'type', 'address', 'timeZone'] as const;

/** Name, type, address and time zone (owners and admins); says when saved. */
export function EditFacility({ facility }: { facility: Data['facility'] }) {
  const result = useActionData<typeof action>();
  const problem = result?.problem;
  return (
    <section aria-labelledby="edit-facility" className="max-w-xl">
      <h2 id="edit-facility" className="text-lg font-semibold">
        Edit facility
      </h2>
      <Form method="post" className="mt-4 space-y-4" noValidate>
        <FormError problem={problem} fields={EDIT_FIELDS} />
        {result && 'saved' in result ? (
          <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
            Saved.
          </p>
        ) : null}
        <Field
          label="Name"
          name="name"
          defaultValue={facility.name}
          required
          maxLength={120}
          problem={problem}
        />
        <SelectField label="Type" name="type" defaultValue={facility.type} problem={problem}>
          {FACILITY_TYPES.map((type) => (
            <option key={type} value={type}>
              {FACILITY_TYPE_LABEL[type]}
            </option>
          ))}
        </SelectField>
        <Field
          label="Address"
          name="address"
          defaultValue={facility.address}
          autoComplete="street-address"
          maxLength={500}
          problem={problem}
        />
        <TimeZoneField problem={problem} defaultValue={facility.timeZone} />
        <Submit intent="update">Save changes</Submit>
      </Form>
    </section>
  );
}
