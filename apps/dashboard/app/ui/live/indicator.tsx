import { useLiveStatus } from './live';

// Words first, colour second: the dot only repeats what the text says.
const LOOK = {
  connecting: { text: 'Connecting…', dot: 'bg-gray-400', ring: 'ring-gray-200 text-gray-700' },
  live: { text: 'Live', dot: 'bg-emerald-500', ring: 'ring-emerald-200 text-emerald-800' },
  reconnecting: {
    text: 'Reconnecting…',
    dot: 'bg-amber-500 animate-pulse',
    ring: 'ring-amber-200 text-amber-900',
  },
  offline: { text: 'Offline', dot: 'bg-red-500', ring: 'ring-red-200 text-red-800' },
} as const;

const EXPLAIN = {
  connecting: 'Connecting to live updates.',
  live: 'Live: new readings and alerts appear as they happen.',
  reconnecting: 'Live updates interrupted; reconnecting. The page catches up when back.',
  offline: 'Live updates stopped. What you see may be out of date.',
} as const;

/** The live connection's state in the signed-in frame: live, reconnecting or offline. */
export function LiveIndicator() {
  const { status, reason, retry } = useLiveStatus();
  const look = LOOK[status];
  const detail =
    status === 'offline' && reason === 'signed_out'
      ? 'Offline: signed out'
      : status === 'offline' && reason === 'outdated'
        ? 'Offline: the app was updated'
        : look.text;
  return (
    <div className="flex items-center gap-2 text-xs">
      <span
        role="status"
        data-testid="live-status"
        data-status={status}
        title={EXPLAIN[status]}
        className={`inline-flex items-center gap-1.5 rounded-full bg-white px-2 py-0.5 font-medium ring-1 ${look.ring}`}
      >
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${look.dot}`} />
        <span className="sr-only">Live updates: </span>
        {detail}
      </span>
      {status === 'offline' && reason === 'gave_up' ? (
        <button type="button" onClick={retry} className="text-blue-700 underline">
          Retry
        </button>
      ) : null}
      {status === 'offline' && reason === 'outdated' ? (
        <button
          type="button"
          onClick={() => window.location.reload()}
          className="text-blue-700 underline"
        >
          Reload
        </button>
      ) : null}
      {status === 'offline' && reason === 'signed_out' ? (
        <a href="/login" className="text-blue-700 underline">
          Log in
        </a>
      ) : null}
    </div>
  );
}
