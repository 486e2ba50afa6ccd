import { DomainError } from '@anythingiot/core';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF protection for the dashboard's actions: a state-changing request must come from the
 * app's own origin. Browsers send `Origin` on every cross-origin and every same-origin POST,
 * and `Sec-Fetch-Site` on all requests; a request with neither (an old browser, curl) is
 * refused too, since a form post without them cannot be told apart from a forged one.
 * Together with SameSite=Lax cookies this covers what a token would.
 */
export function assertSameOrigin(request: Request, appUrl: string): void {
  if (!UNSAFE_METHODS.has(request.method.toUpperCase())) return;
  const expected = new URL(appUrl).origin;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (origin === expected) return;
    throw forbidden('cross_origin');
  }
  const site = request.headers.get('sec-fetch-site');
  if (site === 'same-origin') return;
  throw forbidden(site === null ? 'origin_missing' : 'cross_origin');
}

function forbidden(reason: string): DomainError {
  return new DomainError('FORBIDDEN', 'This request did not come from the AnythingIoT app.', {
    reason,
  });
}
