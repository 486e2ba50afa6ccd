import { Card } from '@tremor/react';
import { DetailRow as Row } from './detail-row';
import type { DevicePageData } from './types';

/** The device's secret: when issued, rotations, what still verifies; never the secret itself. */
export function CredentialCard({ data }: { data: DevicePageData }) {
  const c = data.credentials;
  return (
    <Card>
      <h2 className="text-base font-semibold text-gray-900">Credential</h2>
      <dl className="mt-3 space-y-2 text-sm" data-testid="credential-info">
        <Row label="Secret issued">{c.issued ?? '—'}</Row>
        <Row label="Rotations">{c.rotations}</Row>
        {c.lastRotated ? <Row label="Last rotated">{c.lastRotated}</Row> : null}
        {c.graceUntil.length > 0 ? (
          <Row label="Previous secret until">{c.graceUntil.join(', ')}</Row>
        ) : null}
        {c.revoked ? <Row label="Revoked">{c.revoked}</Row> : null}
      </dl>
      <p className="mt-3 text-xs text-gray-500">Secrets are shown once, when issued; never here.</p>
    </Card>
  );
}
