import type { Mailer, OutgoingEmail } from './mail/mailer.js';

/** What work done beside the answer needs: where to log, and the runtime's `waitUntil`. */
export type AnswerScope = {
  requestId: string | null;
  warn: (message: string, data: Record<string, unknown>) => void;
  waitUntil?: (work: Promise<unknown>) => void;
};

/**
 * Work whose duration must not show in the answer's timing (an audit entry only a known
 * address causes, an email only a known address gets): in a Worker it runs after the response
 * (`waitUntil`); elsewhere (tests, scripts) it is awaited, so its effects are there when the
 * call returns. A failure is logged, never changes the answer.
 */
export async function afterAnswer(
  scope: AnswerScope,
  what: string,
  work: () => Promise<unknown>,
): Promise<void> {
  const run = work().catch((err) =>
    scope.warn(`${what} failed`, {
      requestId: scope.requestId,
      error: err instanceof Error ? err.message : String(err),
    }),
  );
  if (scope.waitUntil) scope.waitUntil(run);
  else await run;
}

/**
 * Sends an email whose failure must not change the answer (the change is committed, or the
 * answer must look the same either way): logged, reported as `false`.
 */
export async function sendQuietly(
  scope: AnswerScope,
  mailer: Mailer,
  email: OutgoingEmail,
  kind: string,
): Promise<boolean> {
  try {
    await mailer(email);
    return true;
  } catch (err) {
    scope.warn('account email not sent', {
      kind,
      requestId: scope.requestId,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
