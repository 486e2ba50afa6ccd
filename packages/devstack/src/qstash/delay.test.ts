import { describe, expect, it } from 'vitest';
import { parseDuration, parseUnixSeconds } from './delay.js';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1d10h30m', 86_400_000 + 36_000_000 + 1_800_000],
    ['0s', 0],
  ])('%s is %d ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(['', '10', '1.5s', '-1s', '10 s', '5 minutes', '30m1h', '1w', 's'])(
    'refuses %j',
    (value) => {
      expect(parseDuration(value)).toBeNull();
    },
  );
});

describe('parseUnixSeconds', () => {
  it('turns unix seconds into epoch ms', () => {
    expect(parseUnixSeconds('1700000000')).toBe(1_700_000_000_000);
  });

  it.each(['', 'soon', '1.5', '-1', '1700000000000000'])('refuses %j', (value) => {
    expect(parseUnixSeconds(value)).toBeNull();
  });
});
