/**
 * A request the emulator refuses, answered as QStash answers errors: `{ "error": "…" }` with a
 * status. Thrown before anything is stored, so a refused request changes nothing.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 400 with a message naming the offending header or field. */
export const badRequest = (message: string) => new ApiError(400, message);

/** 404 for an id that is not (or no longer) there. */
export const notFound = (message: string) => new ApiError(404, message);

/**
 * 404 for a QStash feature this emulator does not implement. Says so plainly, so nobody mistakes
 * it for a bug in their own code, and fails locally rather than silently doing something else.
 */
export const notEmulated = (what: string) =>
  new ApiError(
    404,
    `${what} is not emulated by the devstack QStash emulator (it covers publish, batch, ` +
      'messages, schedules, DLQ and keys with URL destinations).',
  );
