import type { Problem } from '@anythingiot/accounts';
import { useEffect, useState } from 'react';
import { Field } from './form';

const FALLBACK = 'Europe/Berlin';

/**
 * A time zone input with the runtime's IANA zones as suggestions, prefilled with the browser's
 * own zone once the page is interactive (the server cannot know it).
 */
export function TimeZoneField({
  problem,
  defaultValue,
  name = 'timeZone',
  label = 'Time zone',
}: {
  problem?: Problem | null | undefined;
  defaultValue?: string;
  name?: string;
  label?: string;
}) {
  const [zone, setZone] = useState(defaultValue ?? FALLBACK);
  const [zones, setZones] = useState<string[]>([]);
  useEffect(() => {
    if (!defaultValue) setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || FALLBACK);
    setZones(Intl.supportedValuesOf?.('timeZone') ?? []);
  }, [defaultValue]);
  return (
    <>
      <Field
        label={label}
        name={name}
        list={`${name}-zones`}
        value={zone}
        onChange={(e) => setZone(e.target.value)}
        problem={problem}
        hint="An IANA zone such as Europe/Berlin or America/Chicago."
        required
      />
      <datalist id={`${name}-zones`}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}
