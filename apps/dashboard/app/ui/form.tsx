import type { Problem } from '@anythingiot/accounts';
import { useNavigation } from '@remix-run/react';
import type {
  InputHTMLAttributes,
  ReactNode,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'react';
import { fieldError } from './problem';

const INPUT =
  'block w-full rounded-md border-gray-300 shadow-sm focus:border-blue-600 focus:ring-blue-600 aria-[invalid=true]:border-red-600 sm:text-sm';

type FieldProps = {
  label: string;
  name: string;
  problem?: Problem | null | undefined;
  hint?: ReactNode;
};

/** A choice of a select or a checkbox group. */
export type Choice = { value: string; label: ReactNode };

/** A labelled input with its hint and the server's error right below it (read by screen readers). */
export function Field({
  label,
  name,
  problem,
  hint,
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const control = controlOf({ name, problem, hint, id: input.id });
  return (
    <Labelled label={label} control={control}>
      <input {...control.props} {...input} />
    </Labelled>
  );
}

/** A labelled textarea with the same error handling as `Field`. */
export function TextAreaField({
  label,
  name,
  problem,
  hint,
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const control = controlOf({ name, problem, hint, id: textarea.id });
  return (
    <Labelled label={label} control={control}>
      <textarea {...control.props} {...textarea} />
    </Labelled>
  );
}

/**
 * A labelled select with the same error handling as `Field`: its `choices`, after an `empty`
 * choice (value "") when given; `children` for anything else (option groups).
 */
export function SelectField({
  label,
  name,
  problem,
  hint,
  choices = [],
  empty,
  children,
  ...select
}: FieldProps &
  SelectHTMLAttributes<HTMLSelectElement> & { choices?: readonly Choice[]; empty?: string }) {
  const control = controlOf({ name, problem, hint, id: select.id });
  return (
    <Labelled label={label} control={control}>
      <select {...control.props} {...select}>
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
        {children}
      </select>
    </Labelled>
  );
}

/**
 * Checkboxes sharing one `name` under a legend (the values in `checked` ticked); the error of
 * the group, or of any one box (`name.2`), is shown below it.
 */
export function CheckboxGroup({
  legend,
  name,
  choices,
  checked = [],
  problem,
  hint,
  idPrefix,
  columns = 'sm:grid-cols-2',
  empty,
}: {
  legend: string;
  name: string;
  choices: readonly Choice[];
  checked?: readonly string[];
  problem?: Problem | null | undefined;
  hint?: ReactNode;
  /** Keeps ids apart when a page repeats the group (one per table row). */
  idPrefix?: string;
  /** The grid's columns from `sm` up (a full class name, so Tailwind keeps it). */
  columns?: string;
  /** Said instead of the boxes when there is nothing to choose. */
  empty?: ReactNode;
}) {
  const error = problem?.errors?.find(
    (e) => e.path === name || e.path.startsWith(`${name}.`),
  )?.message;
  const errorId = `${idPrefix ? `${idPrefix}-` : ''}${name}-error`;
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className="block text-sm font-medium text-gray-800">{legend}</legend>
      {hint ? <p className="text-xs text-gray-500">{hint}</p> : null}
      {choices.length === 0 && empty ? (
        <p className="mt-2 text-sm text-gray-700">{empty}</p>
      ) : (
        <div className={`mt-2 grid gap-2 ${columns}`}>
          {choices.map((c) => (
            <label key={c.value} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name={name}
                value={c.value}
                defaultChecked={checked.includes(c.value)}
                className="mt-0.5 rounded border-gray-300 text-blue-700 focus:ring-blue-600"
              />
              {c.label}
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

type Control = {
  id: string;
  error: string | undefined;
  hint: ReactNode;
  props: {
    id: string;
    name: string;
    className: string;
    'aria-invalid': true | undefined;
    'aria-describedby': string | undefined;
  };
};

/** What every labelled control shares: its id, its error from the problem, the aria wiring. */
function controlOf({
  name,
  problem,
  hint,
  id = `field-${name}`,
}: {
  name: string;
  problem?: Problem | null | undefined;
  hint?: ReactNode;
  id?: string | undefined;
}): Control {
  const error = fieldError(problem, name);
  return {
    id,
    error,
    hint,
    props: {
      id,
      name,
      className: `mt-1 ${INPUT}`,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined,
    },
  };
}

function Labelled({
  label,
  control: { id, error, hint },
  children,
}: {
  label: string;
  control: Control;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-gray-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The form-level message of a refused action, as an alert: shown when the problem names no
 * field, or names one the form does not show (`fields` lists the visible ones).
 */
export function FormError({
  problem,
  fields,
}: {
  problem?: Problem | null | undefined;
  fields?: readonly string[];
}) {
  if (!problem) return null;
  const errors = problem.errors ?? [];
  const unattached =
    errors.length === 0 || (fields !== undefined && errors.some((e) => !fields.includes(e.path)));
  return unattached ? (
    <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
      {problem.detail}
    </p>
  ) : null;
}

/**
 * A submit button that says it is working while its form is submitting (a fetcher's form
 * passes `busy` from the fetcher's state, which navigation does not see).
 */
export function Submit({
  children,
  intent,
  variant = 'primary',
  busy: fetcherBusy,
}: {
  children: ReactNode;
  intent?: string;
  variant?: 'primary' | 'secondary' | 'danger';
  busy?: boolean;
}) {
  const navigation = useNavigation();
  const busy =
    fetcherBusy ??
    (navigation.state === 'submitting' &&
      (intent === undefined || navigation.formData?.get('intent') === intent));
  const colours = {
    primary: 'bg-blue-700 text-white hover:bg-blue-800',
    secondary: 'bg-white text-gray-800 ring-1 ring-inset ring-gray-300 hover:bg-gray-50',
    danger: 'bg-red-700 text-white hover:bg-red-800',
  }[variant];
  return (
    <button
      type="submit"
      name={intent ? 'intent' : undefined}
      value={intent}
      disabled={busy}
      className={`inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-semibold shadow-sm focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60 ${colours}`}
    >
      {busy ? 'Working…' : children}
    </button>
  );
}
