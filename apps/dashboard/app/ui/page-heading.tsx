import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';

/** A page's title under a link back to the list it belongs to ("Devices", "Facilities"). */
export function PageHeading({
  back,
  children,
}: {
  back: { to: string; label: string };
  children: ReactNode;
}) {
  return (
    <div>
      <p className="text-sm">
        <Link to={back.to} className="text-blue-700 underline">
          {back.label}
        </Link>
      </p>
      <h1 className="mt-1 text-xl font-semibold">{children}</h1>
    </div>
  );
}
