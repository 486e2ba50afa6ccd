import { MKT_WEIGHTING } from '@anythingiot/core';
import { AreaChart, type CustomTooltipProps } from '@tremor/react';
import { createContext, useContext } from 'react';
import type { DevicePageData as Data, DeviceHistory as History } from './types';

type Units = Pick<Data, 'metricLabel' | 'unit' | 'decimals'>;
/** The chart's metric and unit, for the tooltip Tremor renders inside the chart. */
const ChartUnits = createContext<Units>({ metricLabel: '', unit: '', decimals: 1 });

const valueFormat = (units: Units) => (v: number) =>
  `${Number(v.toFixed(units.decimals))}${units.unit ? ` ${units.unit}` : ''}`;

/** The reading (or bucket mean with its extremes) under the cursor, and whether it was an excursion. */
function ChartTooltip({ active, payload }: CustomTooltipProps) {
  const units = useContext(ChartUnits);
  const format = valueFormat(units);
  const row = payload?.[0]?.payload as History['chart']['rows'][number] | undefined;
  if (!active || !row) return null;
  return (
    <div className="rounded-md border border-gray-200 bg-white p-2 text-sm shadow-md">
      <p className="font-medium text-gray-900">{row.at}</p>
      {row.value === null ? null : (
        <p>
          {units.metricLabel}: <span className="tabular-nums">{format(row.value)}</span>
          {row.low !== undefined && row.high !== undefined ? (
            <span className="text-gray-500">
              {' '}
              ({format(row.low)} – {format(row.high)})
            </span>
          ) : null}
        </p>
      )}
      {row.excursion ? <p className="font-medium text-orange-700">Excursion under way</p> : null}
    </div>
  );
}

/** The chart with its thresholds (for screen readers too) and the range's statistics. */
export function HistoryChart({ data, history }: { data: Data; history: History }) {
  const { chart, summary } = history;
  const format = valueFormat(data);
  const empty = chart.rows.every((r) => r.value === null);
  return (
    <div className="mt-4">
      {history.thresholds.length > 0 ? (
        <p className="sr-only">
          Thresholds: {history.thresholds.map((t) => `${t.name} (${t.severity})`).join(', ')}.
        </p>
      ) : null}
      <ChartUnits.Provider value={data}>
        <div
          className="device-chart"
          data-testid="history-chart"
          data-points={chart.rows.filter((r) => r.value !== null).length}
          data-excursion-points={chart.rows.filter((r) => r.excursion).length}
        >
          <AreaChart
            className="h-72 sm:h-80"
            data={empty ? [] : chart.rows}
            index="time"
            categories={chart.categories}
            colors={chart.colors}
            minValue={chart.minValue}
            maxValue={chart.maxValue}
            valueFormatter={format}
            customTooltip={ChartTooltip}
            curveType={data.metric === 'door' ? 'step' : 'monotone'}
            yAxisWidth={64}
            showAnimation={false}
            noDataText="No readings in this range"
          />
        </div>
      </ChartUnits.Provider>
      {history.truncated ? (
        <p className="mt-2 text-sm text-amber-800">
          Only the first readings of this range are shown: choose a shorter range for the rest.
        </p>
      ) : null}
      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="history-summary">
        <Stat label="Min" value={summary?.min} />
        <Stat label="Max" value={summary?.max} />
        <Stat label="Mean" value={summary?.mean} />
        {data.metric === 'temperature' ? (
          <Stat
            label="MKT"
            value={summary?.mkt ?? undefined}
            hint={`Mean kinetic temperature. ${MKT_WEIGHTING}`}
          />
        ) : null}
        <Stat
          label="Readings"
          value={summary ? summary.count.toLocaleString('en-GB') : undefined}
        />
      </dl>
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: string | undefined; hint?: string }) {
  return (
    <div className="rounded-md bg-gray-50 px-3 py-2">
      <dt className="text-xs text-gray-500" title={hint}>
        {label}
      </dt>
      <dd className="text-lg font-semibold tabular-nums text-gray-900">{value ?? '—'}</dd>
    </div>
  );
}
