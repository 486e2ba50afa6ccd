import { useActionData } from '@remix-run/react';
import type { deviceAction } from '~/server/device-actions.server';
import { DetailsForm } from './details-form';
import { RevokeForm } from './revoke-form';
import { RotateForm } from './rotate-form';
import { type DevicePageData as Data, resultFor } from './types';

/** The forms of members who may edit, rotate or revoke: each shows its own answer. */
export function ManageSection({ data }: { data: Data }) {
  const result = useActionData<typeof deviceAction>();
  const revoked = data.device.status === 'revoked';
  return (
    <section aria-labelledby="manage-heading" className="space-y-4">
      <h2 id="manage-heading" className="text-lg font-semibold text-gray-900">
        Manage device
      </h2>
      <div className="grid gap-6 lg:grid-cols-2">
        {data.can.write ? <DetailsForm data={data} result={result} /> : null}
        <div className="space-y-6">
          {data.can.rotate && (!revoked || resultFor(result, 'rotate')) ? (
            <RotateForm result={result} />
          ) : null}
          {data.can.revoke ? <RevokeForm data={data} result={result} /> : null}
        </div>
      </div>
    </section>
  );
}
