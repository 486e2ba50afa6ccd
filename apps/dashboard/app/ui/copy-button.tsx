import { useEffect, useRef, useState } from 'react';

/**
 * Copies `text` to the clipboard and says so in a polite live region (screen readers hear
 * "Secret copied."); when the browser refuses (no permission, not a secure context) it says
 * how to copy by hand instead of failing silently.
 */
export function CopyButton({
  text,
  label,
  done,
  name,
}: {
  text: string;
  label: string;
  done: string;
  /** What is copied, for an accessible name that tells several buttons apart. */
  name?: string;
}) {
  const [message, setMessage] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(text);
      setMessage(done);
    } catch {
      setMessage('Could not copy here: select the text and copy it by hand.');
    }
    timer.current = setTimeout(() => setMessage(''), 8_000);
  };
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={copy}
        aria-label={name ? `${label}: ${name}` : undefined}
        className="rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-gray-800 shadow-sm ring-1 ring-inset ring-gray-300 hover:bg-gray-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
      >
        {label}
      </button>
      <span role="status" className="text-sm text-emerald-800">
        {message}
      </span>
    </span>
  );
}
