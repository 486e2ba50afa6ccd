import type { Problem } from '@anythingiot/accounts';
import { useNavigation } from '@remix-run/react';
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import { fieldError } from './problem';

const INPUT =
  'block w-full rounded-md border-gray-300 shadow-sm focus:border-blue-600 focus:ring-blue-600 aria-[invalid=true]:border-red-600 sm:text-sm';

type FieldProps = {
  label: string;
  name: string;
  problem?: Problem | null | undefined;
  hint?: ReactNode;
};

/** A labelled input with its hint and the server's error right below it (read by screen readers). */
export function Field({
  label,
  name,
  problem,
  hint,
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const error = fieldError(problem, name);
  const id = input.id ?? `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        className={`mt-1 ${INPUT}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        {...input}
      />
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

/** A labelled select with the same error handling as `Field`. */
export function SelectField({
  label,
  name,
  problem,
  hint,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const error = fieldError(problem, name);
  const id = select.id ?? `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      <select
        id={id}
        name={name}
        className={`mt-1 ${INPUT}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        {...select}
      >
        {children}
      </select>
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

function FieldMessages({
  id,
  error,
  hint,
}: {
  id: string;
  error?: string | undefined;
  hint?: ReactNode;
}) {
  return (
    <>
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
    </>
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
