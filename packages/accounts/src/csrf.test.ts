import { isDomainError } from '@anythingiot/core';
import { describe, expect, it } from 'vitest';
import { assertSameOrigin } from './csrf.js';

const APP = 'https://app.anythingiot.test/dashboard';

function verdict(method: string, headers: Record<string, string>, appUrl = APP): string {
  try {
    assertSameOrigin(
      new Request('https://app.anythingiot.test/dashboard/x', { method, headers }),
      appUrl,
    );
    return 'ok';
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return `${err.code}:${err.details.reason}`;
  }
}

describe('assertSameOrigin', () => {
  it.each([
    ['POST', { origin: 'https://app.anythingiot.test' }, 'ok'],
    ['DELETE', { origin: 'https://app.anythingiot.test', 'sec-fetch-site': 'same-origin' }, 'ok'],
    ['POST', { 'sec-fetch-site': 'same-origin' }, 'ok'],
    ['POST', { origin: 'https://evil.test' }, 'FORBIDDEN:cross_origin'],
    ['POST', { origin: 'http://app.anythingiot.test' }, 'FORBIDDEN:cross_origin'],
    ['POST', { origin: 'https://app.anythingiot.test:8443' }, 'FORBIDDEN:cross_origin'],
    ['PUT', { origin: 'null' }, 'FORBIDDEN:cross_origin'],
    ['PATCH', { origin: 'https://sub.app.anythingiot.test' }, 'FORBIDDEN:cross_origin'],
    ['POST', { 'sec-fetch-site': 'cross-site' }, 'FORBIDDEN:cross_origin'],
    ['POST', { 'sec-fetch-site': 'same-site' }, 'FORBIDDEN:cross_origin'],
    ['POST', {}, 'FORBIDDEN:origin_missing'],
    // A cross-site Origin wins over a forged-looking Sec-Fetch-Site.
    [
      'POST',
      { origin: 'https://evil.test', 'sec-fetch-site': 'same-origin' },
      'FORBIDDEN:cross_origin',
    ],
    // Safe methods are never refused: loaders only read.
    ['GET', { origin: 'https://evil.test' }, 'ok'],
    ['HEAD', {}, 'ok'],
  ] as const)('%s with %j → %s', (method, headers, expected) => {
    expect(verdict(method, headers)).toBe(expected);
  });

  it('compares against the app URL origin, whatever its path', () => {
    expect(verdict('POST', { origin: 'http://localhost:5173' }, 'http://localhost:5173/')).toBe(
      'ok',
    );
    expect(verdict('POST', { origin: 'http://localhost:5174' }, 'http://localhost:5173/')).toBe(
      'FORBIDDEN:cross_origin',
    );
  });
});
