import type { Problem } from '@anythingiot/accounts';
import { Form } from '@remix-run/react';
import { Card } from '@tremor/react';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
import {
  type DeviceActionData as ActionResult,
  type DevicePageData as Data,
  resultFor,
} from './types';

/** Name, tags and facility; says whether anything changed. */
export function DetailsForm({ data, result }: { data: Data; result: ActionResult }) {
  const mine = resultFor(result, 'update');
  const problem = mine && 'problem' in mine ? mine.problem : null;
  const saved = mine && 'saved' in mine ? mine.saved : undefined;
  const { device } = data;
  const facilities = [...data.facilities];
  if (device.facilityId && !facilities.some((f) => f.id === device.facilityId)) {
    facilities.push({ id: device.facilityId, name: 'Current facility' });
  }
  return (
    <Card>
      <h3 className="text-base font-semibold text-gray-900">Details</h3>
      <Form method="post" className="mt-4 space-y-4" noValidate preventScrollReset>
        <FormError problem={problem} fields={['name', 'tags', 'facilityId']} />
        <Field label="Name" name="name" defaultValue={device.name} required problem={problem} />
        <Field
          label="Tags"
          name="tags"
          defaultValue={device.tags.join(', ')}
          hint="Separate tags with commas."
          problem={tagProblem(problem)}
        />
        <SelectField
          label="Facility"
          name="facilityId"
          defaultValue={device.facilityId ?? ''}
          problem={problem}
        >
          {data.mayLeaveUnassigned ? <option value="">No facility</option> : null}
          {facilities.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </SelectField>
        <div className="flex items-center gap-3">
          <Submit intent="update">Save details</Submit>
          {saved !== undefined ? (
            <p role="status" className="text-sm text-emerald-700">
              {saved ? 'Saved.' : 'Nothing changed.'}
            </p>
          ) : null}
        </div>
      </Form>
    </Card>
  );
}

/** `tags.3` (one tag too long) shows under the tags field too. */
function tagProblem(problem: Problem | null) {
  if (!problem?.errors) return problem;
  return {
    ...problem,
    errors: problem.errors.map((e) => (e.path.startsWith('tags.') ? { ...e, path: 'tags' } : e)),
  };
}
