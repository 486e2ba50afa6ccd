import { Link } from '@remix-run/react';
import { Badge } from '@tremor/react';
import { CONNECTIVITY } from '~/ui/connectivity';
import type { DevicePageData } from './types';

/** Where the device sits (breadcrumb), its name, state, model, facility, id and tags. */
export function DeviceHeader({ data }: { data: DevicePageData }) {
  const { device } = data;
  const state = CONNECTIVITY[data.state];
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm text-gray-500">
        <Link to="/devices" className="hover:underline">
          Devices
        </Link>
        {device.facility && device.facilityId ? (
          <>
            {' / '}
            <Link to={`/facilities/${device.facilityId}`} className="hover:underline">
              {device.facility}
            </Link>
          </>
        ) : null}
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold text-gray-900">{device.name}</h1>
            <Badge color={state.color} data-testid="device-state">
              {state.label}
            </Badge>
          </div>
          <p className="mt-1 text-sm text-gray-600">
            {[device.model || null, device.facility ?? 'No facility'].filter(Boolean).join(' · ')}
            {' · '}
            <span className="font-mono text-xs">{device.id}</span>
          </p>
          {device.tags.length > 0 ? (
            <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Tags">
              {device.tags.map((tag) => (
                <li key={tag}>
                  <span className="rounded-full bg-gray-100 px-2 py-0.5 text-xs text-gray-700">
                    {tag}
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </header>
    </>
  );
}
