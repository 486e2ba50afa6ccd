import { Link } from '@remix-run/react';
import { Badge, Card } from '@tremor/react';
import { SEVERITY_COLOR, SEVERITY_LABEL, STATUS_COLOR, STATUS_LABEL } from '~/ui/alerts';
import type { DeviceHistory } from './types';

/** The excursion alerts of the range on screen, each linking to its alert. */
export function ExcursionsCard({ history }: { history: DeviceHistory }) {
  return (
    <Card>
      <h2 className="text-base font-semibold text-gray-900">Excursions in this range</h2>
      {history.excursions.length === 0 ? (
        <p className="mt-3 text-sm text-gray-500">None: every reading stayed within its rules.</p>
      ) : (
        <ul className="mt-3 divide-y divide-gray-100" data-testid="excursions">
          {history.excursions.map((e) => (
            <li
              key={e.id}
              className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
            >
              <div className="min-w-0">
                <Link to={`/alerts/${e.id}`} className="font-medium text-gray-900 hover:underline">
                  {e.title}
                </Link>
                <p className="text-gray-600">
                  {e.start} – {e.end ?? 'ongoing'} · {e.duration}
                  {e.peak ? ` · peak ${e.peak}` : ''}
                </p>
              </div>
              <div className="flex gap-2">
                <Badge color={SEVERITY_COLOR[e.severity]}>{SEVERITY_LABEL[e.severity]}</Badge>
                <Badge color={STATUS_COLOR[e.status]}>{STATUS_LABEL[e.status]}</Badge>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
