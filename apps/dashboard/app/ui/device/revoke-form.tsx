import { Form, useNavigation } from '@remix-run/react';
import { Card } from '@tremor/react';
import { Submit } from '~/ui/form';
import {
  type DeviceActionData as ActionResult,
  type DevicePageData as Data,
  resultFor,
} from './types';

/** Revoke after a confirmation; a revoked device says so instead. */
export function RevokeForm({ data, result }: { data: Data; result: ActionResult }) {
  const mine = resultFor(result, 'revoke');
  const problem = mine && 'problem' in mine ? mine.problem : null;
  const navigation = useNavigation();
  const revoked = data.device.status === 'revoked';
  return (
    <Card decoration="left" decorationColor="red">
      <h3 className="text-base font-semibold text-gray-900">Revoke device</h3>
      {problem ? (
        <p role="alert" className="mt-2 rounded-md bg-red-50 p-3 text-sm text-red-800">
          {problem.detail}
        </p>
      ) : null}
      {revoked ? (
        <p role="status" className="mt-1 text-sm text-gray-700">
          This device is revoked: it can no longer post readings. Its history stays.
        </p>
      ) : (
        <>
          <p className="mt-1 text-sm text-gray-600">
            The device and all its secrets stop working at once; its next post is refused. Its
            history stays. This cannot be undone.
          </p>
          <details className="mt-4" open={navigation.state !== 'idle' ? true : undefined}>
            <summary className="cursor-pointer text-sm font-semibold text-red-700">
              Revoke {data.device.name}…
            </summary>
            <Form method="post" className="mt-3 space-y-3" preventScrollReset>
              <input type="hidden" name="confirm" value="yes" />
              <p className="text-sm text-gray-800">
                Revoke <strong>{data.device.name}</strong> now? It will need to be registered again
                to post.
              </p>
              <Submit intent="revoke" variant="danger">
                Yes, revoke this device
              </Submit>
            </Form>
          </details>
        </>
      )}
    </Card>
  );
}
