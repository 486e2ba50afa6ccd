import type { RoomTokenCheck } from '@anythingiot/core';

/** The query parameter carrying the room token (browsers cannot set WebSocket headers). */
export const TOKEN_PARAM = 'token';

export function tokenFromUrl(url: string): string | null {
  return new URL(url).searchParams.get(TOKEN_PARAM);
}

const refusal = (status: 401 | 403, code: string, detail: string) =>
  new Response(
    JSON.stringify({
      type: 'about:blank',
      title: status === 401 ? 'Unauthorized' : 'Forbidden',
      status,
      detail,
      code,
    }),
    {
      status,
      headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    },
  );

/**
 * The answer to a connection attempt, or undefined to let it in: no, malformed, forged or
 * expired token → 401 (get a fresh one); a valid token for another tenant → 403.
 */
export function admissionRefusal(check: RoomTokenCheck, tenantId: string): Response | undefined {
  if (!check.ok) {
    const detail =
      check.reason === 'missing'
        ? 'A room token is required (?token=…).'
        : check.reason === 'expired'
          ? 'The room token has expired; get a fresh one.'
          : 'The room token is not valid.';
    return refusal(401, `token_${check.reason}`, detail);
  }
  if (check.claims.tenantId !== tenantId) {
    return refusal(403, 'other_tenant', 'The room token is for another tenant.');
  }
  return undefined;
}
