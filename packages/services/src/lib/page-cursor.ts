import { DomainError } from '@anythingiot/core';

/**
 * Keyset pagination cursors: the sort key (a timestamp) and the id of the last row served,
 * base64-encoded so clients treat them as opaque. One format for every list route.
 */
export function encodeCursor(at: Date, id: string): string {
  return btoa(`${at.toISOString()}|${id}`).replace(/=+$/, '');
}

/** The position a cursor names; a cursor this API never issued is a 422 on `cursor`. */
export function decodeCursor(cursor: string): { at: Date; id: string } {
  let decoded = '';
  try {
    decoded = atob(cursor);
  } catch {
    // refused below
  }
  const [iso, id] = decoded.split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime())) {
    throw new DomainError('VALIDATION', 'The cursor is not one this API returned.', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return { at, id };
}
