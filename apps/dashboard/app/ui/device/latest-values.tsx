import { Card } from '@tremor/react';
import type { DevicePageData } from './types';

/** A tile per metric: its newest value and when it was read. */
export function LatestValues({ data }: { data: DevicePageData }) {
  return (
    <section aria-labelledby="latest-heading">
      <h2 id="latest-heading" className="sr-only">
        Latest values
      </h2>
      {data.latest.length === 0 ? (
        <Card>
          <p className="text-sm text-gray-500">No readings yet.</p>
        </Card>
      ) : (
        <dl
          className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6"
          data-testid="latest-values"
        >
          {data.latest.map((l) => (
            <div
              key={l.metric}
              className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-gray-200"
            >
              <dt className="text-sm text-gray-600">{l.label}</dt>
              <dd>
                <span className="block text-xl font-semibold tabular-nums text-gray-900">
                  {l.value}
                </span>
                <span className="block text-xs text-gray-500">{l.at}</span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
