import { Badge, Card } from '@tremor/react';
import { CONNECTIVITY } from '~/ui/connectivity';
import { DetailRow as Row } from './detail-row';
import type { DevicePageData } from './types';

/** Connectivity: state, last seen, reporting interval and open sequence gaps. */
export function StatusCard({ data }: { data: DevicePageData }) {
  const interval = data.device.expectedIntervalSeconds;
  const every = interval % 60 === 0 ? `${interval / 60} min` : `${interval} s`;
  return (
    <Card>
      <h2 className="text-base font-semibold text-gray-900">Status</h2>
      <dl className="mt-3 space-y-2 text-sm">
        <Row label="State">
          <Badge color={CONNECTIVITY[data.state].color}>{CONNECTIVITY[data.state].label}</Badge>
        </Row>
        <Row label="Last seen">
          {data.lastSeen ? (
            <>
              {data.lastSeen}
              <span className="block text-xs text-gray-500">{data.lastSeenAgo} ago</span>
            </>
          ) : (
            'Never'
          )}
        </Row>
        <Row label="Reports every">{every}</Row>
        <Row label="Sequence gaps">
          {data.openSeqGaps.length === 0 ? (
            'None open'
          ) : (
            <span className="text-amber-800">{data.openSeqGaps.length} open</span>
          )}
        </Row>
      </dl>
      {data.openSeqGaps.length > 0 ? (
        <ul className="mt-3 space-y-1 text-xs text-gray-600" aria-label="Open sequence gaps">
          {data.openSeqGaps.slice(0, 5).map((g) => (
            <li key={g.from}>
              #{g.from}–{g.to} ({g.missing} missing), {g.between}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
