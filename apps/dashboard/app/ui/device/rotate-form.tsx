import { Form } from '@remix-run/react';
import { Card } from '@tremor/react';
import { useEffect, useRef } from 'react';
import { CopyButton } from '~/ui/copy-button';
import { FormError, SelectField, Submit } from '~/ui/form';
import { GRACE_CHOICES } from './grace';
import { type DeviceActionData as ActionResult, resultFor } from './types';

/** Issue a new secret with a grace period for the old one; the new one is shown once. */
export function RotateForm({ result }: { result: ActionResult }) {
  const mine = resultFor(result, 'rotate');
  const problem = mine && 'problem' in mine ? mine.problem : null;
  const rotated = mine && 'secret' in mine ? mine : null;
  return (
    <Card>
      <h3 className="text-base font-semibold text-gray-900">Rotate secret</h3>
      <p className="mt-1 text-sm text-gray-600">
        Issues a new secret for the device. The previous one keeps working for the grace period, so
        you can re-provision the device without losing data.
      </p>
      {rotated ? (
        <NewSecret
          secret={rotated.secret}
          previousValidUntil={rotated.previousValidUntil}
          grace={rotated.graceSeconds}
        />
      ) : (
        <Form method="post" className="mt-4 space-y-4" noValidate preventScrollReset>
          <FormError problem={problem} fields={['graceSeconds']} />
          <SelectField
            label="Previous secret keeps working for"
            name="graceSeconds"
            problem={problem}
          >
            {GRACE_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </SelectField>
          <Submit intent="rotate" variant="secondary">
            Rotate secret
          </Submit>
        </Form>
      )}
    </Card>
  );
}

function NewSecret({
  secret,
  previousValidUntil,
  grace,
}: {
  secret: string;
  previousValidUntil: string;
  grace: number;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby="new-secret-heading"
      className="mt-4 rounded-md bg-amber-50 p-4 ring-1 ring-amber-200 focus:outline-none"
    >
      <h4 id="new-secret-heading" className="text-sm font-semibold text-amber-900">
        New secret: copy it now, it is not shown again
      </h4>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          className="break-all rounded bg-white px-2 py-1 font-mono text-sm ring-1 ring-amber-200"
          data-testid="new-secret"
        >
          {secret}
        </code>
        <CopyButton text={secret} label="Copy" done="Secret copied." name="new secret" />
      </div>
      <p className="mt-2 text-sm text-amber-900">
        {grace === 0
          ? 'The previous secret no longer works.'
          : `The previous secret keeps working until ${previousValidUntil}.`}
      </p>
    </section>
  );
}
