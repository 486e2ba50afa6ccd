import { describe, expect, it } from 'vitest';
import { offlineState } from './offline.js';

const S = 1_000;

describe('offlineState', () => {
  it('is online before interval × factor and says when to look again', () => {
    expect(offlineState(100 * S, 10, 3, 129 * S)).toEqual({
      offline: false,
      since: null,
      checkAt: 130 * S,
    });
  });

  it('is offline from the deadline on, since the deadline', () => {
    expect(offlineState(100 * S, 10, 3, 130 * S)).toEqual({
      offline: true,
      since: 130 * S,
      checkAt: 160 * S,
    });
    expect(offlineState(100 * S, 10, 3, 500 * S)).toMatchObject({ offline: true, since: 130 * S });
  });

  it('does not call a device that never reported offline', () => {
    expect(offlineState(null, 60, 5, 1_000 * S)).toEqual({
      offline: false,
      since: null,
      checkAt: 1_300 * S,
    });
  });

  it('treats a last reading from the future (clock skew) as online', () => {
    expect(offlineState(200 * S, 10, 3, 100 * S)).toMatchObject({
      offline: false,
      checkAt: 230 * S,
    });
  });

  it('refuses nonsense configuration', () => {
    expect(() => offlineState(0, 0, 3, 0)).toThrow(RangeError);
    expect(() => offlineState(0, 10, 0.5, 0)).toThrow(RangeError);
  });
});
