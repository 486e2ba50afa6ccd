import { describe, expect, it } from 'vitest';
import { safeNext } from './redirects.server';

const APP = 'https://app.example.com';

describe('safeNext: where a login may send someone afterwards', () => {
  it.each([
    ['/devices', '/devices'],
    ['/devices/dev_1?tab=history', '/devices/dev_1?tab=history'],
    ['/invitations/accept?token=abc', '/invitations/accept?token=abc'],
    ['/settings/users#invite', '/settings/users'],
    [`${APP}/alerts?state=open`, '/alerts?state=open'],
    ['/a/../alerts', '/alerts'],
  ])('keeps a path on this site: %j → %j', (next, expected) => {
    expect(safeNext(next, APP)).toBe(expected);
  });

  // The classic open-redirect bypasses. Each one, left as it is in a Location header, is read
  // by some browser as another host; every one must come back as the home page.
  it.each([
    '//evil.example',
    '///evil.example',
    '////evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '\\\\evil.example',
    '\\/\\/evil.example',
    '/\t/evil.example', // what `?next=/%09/evil.example` decodes to
    '/\n/evil.example',
    '/\r/evil.example',
    '/\u0000/evil.example',
    '\t//evil.example',
    ' //evil.example',
    '/%09/evil.example'.replace('%09', '\u000b'),
    '/.//evil.example',
    '/./\\evil.example',
    'https://evil.example',
    'http://app.example.com/', // another scheme is another origin
    'https://app.example.com.evil.example/',
    'https://app.example.com@evil.example/',
    'https://user:pw@app.example.com/',
    '//app.example.com@evil.example',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '',
  ])('refuses %j', (next) => {
    expect(safeNext(next, APP)).toBe('/');
  });

  it('percent-encoded and scheme-relative variants stay inert paths on this site (never another host)', () => {
    for (const next of [
      'https:evil.example', // same scheme as the app: a relative path, /evil.example
      'https:/evil.example',
      'evil.example',
      '/%252F%252Fevil.example',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      '/%5c%5cevil.example',
      '/%09/evil.example',
    ]) {
      const target = safeNext(next, APP);
      expect(target.startsWith('/')).toBe(true);
      expect(target.startsWith('//')).toBe(false);
      // Resolved as a browser resolves a Location, it is still this site.
      expect(new URL(target, APP).origin).toBe(APP);
    }
  });

  it('no value or a form file: the home page', () => {
    expect(safeNext(null, APP)).toBe('/');
    expect(safeNext(undefined, APP)).toBe('/');
    expect(safeNext(new File([], 'x'), APP)).toBe('/');
  });
});
