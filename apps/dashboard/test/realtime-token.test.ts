import { verifyRoomToken } from '@anythingiot/core';
import { describe, expect, it } from 'vitest';
import * as route from '../app/routes/realtime-token';
import { useDashboard } from './harness';

// The page's ticket to its live room: what the token claims comes from the session's
// membership, so an operator's token carries their one facility and nothing else.
const t = useDashboard();

const ticket = (as: Parameters<typeof t.call>[1]['as']) =>
  t.call(route, { as, url: '/realtime-token' });

describe('/realtime-token', () => {
  it('gives a signed-in member a five-minute token for their own tenant room, never cached', async () => {
    const res = await ticket(t.a.members.operator);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.data.url).toBe(
      `${t.env.API_PUBLIC_URL!.replace(/^http/, 'ws')}/parties/tenant/${t.a.tenantId}`,
    );
    const check = await verifyRoomToken(t.env.REALTIME_TOKEN_SECRET!, res.data.token, Date.now());
    expect(check).toMatchObject({
      ok: true,
      claims: {
        tenantId: t.a.tenantId,
        userId: t.a.members.operator.userId,
        role: 'operator',
        facilityIds: [t.a.facilityIds[0]],
      },
    });
    expect(res.data.expiresAt - Date.now()).toBeLessThanOrEqual(5 * 60_000);
  });

  it('lets unlimited roles see every facility', async () => {
    const res = await ticket(t.a.members.auditor);
    const check = await verifyRoomToken(t.env.REALTIME_TOKEN_SECRET!, res.data.token, Date.now());
    expect(check).toMatchObject({ ok: true, claims: { role: 'auditor', facilityIds: null } });
  });

  it('sends the signed-out to the login page', async () => {
    const res = await ticket(null);
    expect(res.status).toBe(302);
    expect(res.location).toContain('/login');
  });
});
