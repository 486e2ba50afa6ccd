// Which of the users page's forms answered, whether one is being sent, and what it said.

import { useActionData, useNavigation } from '@remix-run/react';
import { FormError } from '~/ui/form';
import type { UsersActionData } from './types';

/** The answer of the form with this intent (one of them) and target, if it was the last one sent. */
export function useOutcome(intents: readonly string[], target = '') {
  const data = useActionData<UsersActionData>();
  return data && intents.includes(data.intent) && data.target === target ? data : undefined;
}

/** True while the form with this intent and target is being submitted. */
export function useBusy(intents: readonly string[], target = '') {
  const { state, formData } = useNavigation();
  return (
    state === 'submitting' &&
    intents.includes(String(formData?.get('intent'))) &&
    String(formData?.get('target') ?? '') === target
  );
}

export const problemOf = (outcome: UsersActionData | undefined) =>
  outcome && 'problem' in outcome ? outcome.problem : null;

/** A form's outcome: the success sentence as a status, a refusal as an alert. */
export function Outcome({
  result,
  fields,
  compact,
}: {
  result: UsersActionData | undefined;
  fields: readonly string[];
  compact?: boolean;
}) {
  if (!result) return null;
  if ('problem' in result) {
    // Facility errors are per index (`facilityIds.2`): the checkbox group shows them.
    const errors = result.problem.errors ?? [];
    const allShown =
      errors.length > 0 &&
      errors.every((e) => fields.some((f) => e.path === f || e.path.startsWith(`${f}.`)));
    return allShown ? null : <FormError problem={result.problem} fields={[]} />;
  }
  return (
    <div role="status" className={compact ? 'text-xs text-gray-700' : 'text-sm text-gray-700'}>
      <p className={compact ? '' : 'rounded-md bg-emerald-50 p-3 text-emerald-900'}>{result.ok}</p>
      {result.warning ? <p className="mt-1 text-amber-800">{result.warning}</p> : null}
    </div>
  );
}
