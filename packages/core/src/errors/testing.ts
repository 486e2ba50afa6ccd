import { isDomainError } from './domain-error.js';

/** The field paths of the VALIDATION error `fn` throws; fails the test when it throws none. */
export function fieldPathsOf(fn: () => unknown): string[] | undefined {
  try {
    fn();
  } catch (err) {
    if (isDomainError(err)) return err.details.errors?.map((e) => e.path);
    throw err;
  }
  throw new Error('expected a VALIDATION error');
}
