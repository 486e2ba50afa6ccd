import type { Problem } from '@anythingiot/accounts';
import { Form, Link, useSubmit } from '@remix-run/react';
import { Card } from '@tremor/react';
import { Field, SelectField, Submit } from '~/ui/form';
import { fieldError, problemOf } from '~/ui/problem';
import { HistoryChart } from './history-chart';
import type { DevicePageData } from './types';

type Data = DevicePageData;

// The presets of parseHistoryQuery (a .server module the browser cannot import).
const RANGE_LABELS = { '1h': '1 h', '24h': '24 h', '7d': '7 d', '30d': '30 d' } as const;

/** The history of one metric: metric picker, preset or custom range, chart and statistics. */
export function HistoryCard({ data }: { data: Data }) {
  const { history } = data;
  const problem = history.ok ? null : problemOf(history.problem);
  const rangeError = fieldError(problem, 'range');
  const custom = data.range === 'custom';
  const href = (range: string) => `?${new URLSearchParams({ metric: data.metric, range })}`;
  const customHref = `?${new URLSearchParams({
    metric: data.metric,
    range: 'custom',
    from: data.customFrom,
    to: data.customTo,
  })}`;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold text-gray-900">History</h2>
          {history.ok ? (
            <p className="text-sm text-gray-500" data-testid="history-range">
              {history.fromLabel} – {history.toLabel} · {history.resolutionLabel}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <MetricPicker data={data} problem={problem} />
          <nav aria-label="Time range">
            <ul className="flex overflow-hidden rounded-md ring-1 ring-gray-300">
              {Object.keys(RANGE_LABELS).map((range) => (
                <li key={range}>
                  <Link
                    to={href(range)}
                    aria-current={data.range === range ? 'true' : undefined}
                    className="block px-3 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-50 aria-[current=true]:bg-blue-700 aria-[current=true]:text-white"
                    preventScrollReset
                  >
                    {RANGE_LABELS[range as keyof typeof RANGE_LABELS]}
                  </Link>
                </li>
              ))}
              <li>
                <Link
                  to={customHref}
                  aria-current={custom ? 'true' : undefined}
                  className="block px-3 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-50 aria-[current=true]:bg-blue-700 aria-[current=true]:text-white"
                  preventScrollReset
                >
                  Custom
                </Link>
              </li>
            </ul>
          </nav>
        </div>
      </div>
      {rangeError ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          Range: {rangeError}
        </p>
      ) : null}
      {custom || fieldError(problem, 'from') || fieldError(problem, 'to') ? (
        <CustomRangeForm data={data} problem={problem} />
      ) : null}
      {history.ok ? (
        <HistoryChart data={data} history={history} />
      ) : (
        <p role="alert" className="mt-6 rounded-md bg-red-50 p-4 text-sm text-red-800">
          {problem?.detail ?? 'Check the time range.'} Fix it above to see the chart.
        </p>
      )}
    </Card>
  );
}

function MetricPicker({ data, problem }: { data: Data; problem: Problem | null }) {
  const submit = useSubmit();
  if (data.metrics.length < 2 && !fieldError(problem, 'metric')) return null;
  return (
    <Form
      method="get"
      preventScrollReset
      onChange={(e) => submit(e.currentTarget)}
      className="flex items-end gap-2"
    >
      <input type="hidden" name="range" value={data.range} />
      {data.range === 'custom' ? (
        <>
          <input type="hidden" name="from" value={data.customFrom} />
          <input type="hidden" name="to" value={data.customTo} />
        </>
      ) : null}
      <SelectField label="Metric" name="metric" defaultValue={data.metric} problem={problem}>
        {data.metrics.map((m) => (
          <option key={m.metric} value={m.metric}>
            {m.label}
          </option>
        ))}
      </SelectField>
      <noscript>
        <button type="submit" className="rounded-md px-3 py-2 text-sm ring-1 ring-gray-300">
          Show
        </button>
      </noscript>
    </Form>
  );
}

function CustomRangeForm({ data, problem }: { data: Data; problem: Problem | null }) {
  return (
    <Form
      method="get"
      preventScrollReset
      noValidate
      className="mt-4 grid gap-3 rounded-md bg-gray-50 p-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
      aria-label="Custom range"
    >
      <input type="hidden" name="metric" value={data.metric} />
      <input type="hidden" name="range" value="custom" />
      <Field
        label="From"
        name="from"
        type="datetime-local"
        defaultValue={data.customFrom}
        problem={problem}
        hint={`Times in ${data.timeZone}`}
      />
      <Field
        label="To"
        name="to"
        type="datetime-local"
        defaultValue={data.customTo}
        problem={problem}
      />
      <div className="sm:pt-6">
        <Submit>Apply</Submit>
      </div>
    </Form>
  );
}
