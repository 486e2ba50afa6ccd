/**
 * A failed send, worded for a delivery's `last_error`: what the provider answered, never the
 * request (which may carry credentials) or a stack.
 */
export class SendError extends Error {
  constructor(message: string) {
    super(message.slice(0, 500));
    this.name = 'SendError';
  }
}

/** How long one provider call may take before the attempt counts as failed (QStash retries). */
export const SEND_TIMEOUT_MS = 10_000;

/**
 * fetch with a deadline; a timeout or network error becomes a SendError. `revealCause: false`
 * leaves the network error's text out (a tenant's webhook must not learn "connection refused"
 * from "no route" of an address it chose).
 */
export async function fetchWithDeadline(
  what: string,
  url: string,
  init: RequestInit,
  timeoutMs = SEND_TIMEOUT_MS,
  { revealCause = true }: { revealCause?: boolean } = {},
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    throw new SendError(
      timedOut
        ? `${what} did not answer within ${timeoutMs} ms`
        : revealCause
          ? `${what} unreachable: ${err instanceof Error ? err.message : String(err)}`
          : `${what} unreachable`,
    );
  }
}

/** The first part of an error answer, for last_error. */
export async function answerExcerpt(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return text.slice(0, 300);
}
