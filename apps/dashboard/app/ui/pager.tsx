import { Link, useSearchParams } from '@remix-run/react';

/**
 * Keyset paging under a list: back to the first page (the cursor dropped) once past it, and on
 * to `nextCursor` when there is more; the filters in the URL stay either way.
 */
export function Pager({
  nextCursor,
  firstLabel,
  nextLabel,
}: {
  nextCursor: string | null;
  firstLabel: string;
  nextLabel: string;
}) {
  const [params] = useSearchParams();
  const paged = params.has('cursor');
  if (!paged && !nextCursor) return null;
  const first = new URLSearchParams(params);
  first.delete('cursor');
  const next = new URLSearchParams(params);
  if (nextCursor) next.set('cursor', nextCursor);
  return (
    <nav aria-label="Pages" className="mt-4 flex gap-4 text-sm">
      {paged ? (
        <Link to={`?${first}`} className="text-blue-700 underline">
          {firstLabel}
        </Link>
      ) : null}
      {nextCursor ? (
        <Link to={`?${next}`} className="text-blue-700 underline">
          {nextLabel}
        </Link>
      ) : null}
    </nav>
  );
}
