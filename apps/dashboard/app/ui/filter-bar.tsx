import type { Problem } from '@anythingiot/accounts';
import { Form, Link, useSearchParams } from '@remix-run/react';
import type { ReactNode } from 'react';
import { Field, FormError } from './form';
import { Pager } from './pager';

// Full class names, so Tailwind keeps them: the fields' columns on a wide screen, and the
// buttons' row spanning all of them.
const COLUMNS = {
  4: 'lg:grid-cols-4',
  5: 'lg:grid-cols-5',
  6: 'lg:grid-cols-6',
} as const;
const SPAN = { 4: 'lg:col-span-4', 5: 'lg:col-span-5', 6: 'lg:col-span-6' } as const;

/**
 * A list page's filter form (a GET, so the filters live in the URL and a link keeps them): its
 * fields in a grid, "Apply filters", "Clear" back to `clearTo`, and below it the problem's
 * message when it names no field the bar shows (`fields`).
 */
export function FilterBar({
  label,
  clearTo,
  columns,
  problem,
  fields,
  children,
}: {
  /** The form's accessible name, e.g. "Filter alerts". */
  label: string;
  clearTo: string;
  columns: keyof typeof COLUMNS;
  /** The filters' refusal, for pages that show it beside the fields. */
  problem?: Problem | null | undefined;
  fields?: readonly string[];
  children: ReactNode;
}) {
  return (
    <>
      <Form
        method="get"
        role="search"
        aria-label={label}
        className={`grid gap-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-gray-200 sm:grid-cols-2 ${COLUMNS[columns]}`}
      >
        {children}
        <div className={`flex items-end gap-3 sm:col-span-2 ${SPAN[columns]}`}>
          <button
            type="submit"
            className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
          >
            Apply filters
          </button>
          <Link to={clearTo} className="text-sm text-blue-700 underline">
            Clear
          </Link>
        </div>
      </Form>
      <FormError problem={problem} fields={fields} />
    </>
  );
}

/** The value a filter field starts with: what the URL says, or blank. */
export function useFilterValue(): (name: string) => string {
  const [params] = useSearchParams();
  return (name) => params.get(name) ?? '';
}

/**
 * The "from"/"to" days of a filter bar (both inclusive, read in the company's time zone: the
 * server's `dayParam` and `dayRange`).
 */
export function DayRangeFields({
  fromLabel,
  toLabel,
  problem,
}: {
  fromLabel: string;
  toLabel: string;
  problem?: Problem | null | undefined;
}) {
  const value = useFilterValue();
  return (
    <>
      <Field
        label={fromLabel}
        name="from"
        type="date"
        defaultValue={value('from')}
        problem={problem}
      />
      <Field
        label={toLabel}
        name="to"
        type="date"
        defaultValue={value('to')}
        problem={problem}
        hint="Inclusive, in the company's time zone"
      />
    </>
  );
}

/**
 * What a filter bar found, under a heading for screen readers: the list (`children`), or the
 * `empty` sentence as a status; then the pages.
 */
export function FilterResults({
  heading,
  count,
  empty,
  nextCursor,
  firstLabel,
  nextLabel,
  children,
}: {
  heading: string;
  count: number;
  empty: string;
  nextCursor: string | null;
  firstLabel: string;
  nextLabel: string;
  children: ReactNode;
}) {
  const id = `${heading.toLowerCase().replace(/\W+/g, '-')}-heading`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="sr-only">
        {heading}
      </h2>
      {count === 0 ? (
        <p className="text-sm text-gray-600" role="status">
          {empty}
        </p>
      ) : (
        children
      )}
      <Pager nextCursor={nextCursor} firstLabel={firstLabel} nextLabel={nextLabel} />
    </section>
  );
}
