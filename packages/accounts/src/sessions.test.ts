import { describe, expect, it } from 'vitest';
import { accountLink } from './links.js';
import { problemResponse } from './problem.js';
import { sessionCookieSettings } from './sessions.js';
import { tooManyAttempts } from './throttle.js';
import { hashToken, isTokenShape, newToken } from './tokens.js';

describe('session cookie settings', () => {
  it.each([
    ['https://app.anythingiot.com', true, '__Host-aiot_session'],
    ['https://localhost:8443', true, '__Host-aiot_session'],
    ['http://localhost:5173', false, 'aiot_session'],
    ['http://127.0.0.1:8787/app', false, 'aiot_session'],
    ['http://[::1]:5173', false, 'aiot_session'],
    ['http://staging.anythingiot.com', true, '__Host-aiot_session'],
  ])('%s → secure %s, name %s', (url, secure, name) => {
    expect(sessionCookieSettings(url)).toEqual({
      name,
      attributes: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
    });
  });
});

describe('tokens', () => {
  it('are 256-bit base64url, stored as SHA-256 hex, distinct every time', () => {
    const a = newToken();
    const b = newToken();
    expect(isTokenShape(a.token)).toBe(true);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.token).not.toBe(b.token);
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    for (const bad of ['', 'a'.repeat(42), 'a'.repeat(44), `${'a'.repeat(42)}=`, null, 1]) {
      expect(isTokenShape(bad)).toBe(false);
    }
  });
});

describe('account links', () => {
  it('point at the documented paths under the app URL', () => {
    expect(accountLink('https://app.test', 'verifyEmail', 'tok')).toBe(
      'https://app.test/verify-email?token=tok',
    );
    expect(accountLink('https://app.test/base/', 'resetPassword', 'tok')).toBe(
      'https://app.test/base/reset-password?token=tok',
    );
    expect(accountLink('http://localhost:5173', 'acceptInvitation', 'tok')).toBe(
      'http://localhost:5173/invitations/accept?token=tok',
    );
  });
});

describe('problemResponse', () => {
  it('maps the throttle to 429 with Retry-After and a readable detail', async () => {
    const res = problemResponse(tooManyAttempts(601), 'req_x');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('601');
    expect(await res.json()).toMatchObject({
      status: 429,
      code: 'login_throttled',
      detail: 'Too many login attempts. Try again in 11 minutes.',
      instance: 'req_x',
    });
  });

  it('never leaks an unknown error message', async () => {
    const res = problemResponse(new Error('password hash for ada is xyz'));
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain('xyz');
    expect(res.headers.get('retry-after')).toBeNull();
  });
});
