import { describe, expect, it } from 'vitest';
import { compileRetryDelay, defaultRetryBackoff, requestedRetryDelay } from './retry.js';

describe('defaultRetryBackoff', () => {
  it("follows QStash's min(1 day, e^(2.5n)) seconds", () => {
    expect(Math.round(defaultRetryBackoff(1) / 1000)).toBe(12);
    expect(Math.round(defaultRetryBackoff(2) / 1000)).toBe(148);
    expect(defaultRetryBackoff(5)).toBe(86_400_000);
    expect(defaultRetryBackoff(9)).toBe(86_400_000);
  });
});

describe('requestedRetryDelay', () => {
  const now = Date.parse('2024-06-27T12:16:00Z');

  it('reads seconds, Go durations and HTTP dates', () => {
    expect(requestedRetryDelay({ 'retry-after': '10' }, now)).toBe(10_000);
    expect(requestedRetryDelay({ 'retry-after': '0' }, now)).toBe(0);
    expect(requestedRetryDelay({ 'retry-after': '6m5s' }, now)).toBe(365_000);
    expect(requestedRetryDelay({ 'x-ratelimit-reset': '1.5s' }, now)).toBe(1_500);
    expect(requestedRetryDelay({ 'retry-after': 'Thu, 27 Jun 2024 12:16:24 GMT' }, now)).toBe(
      24_000,
    );
  });

  it('falls back to the backoff beyond a day, when absent or unreadable', () => {
    expect(requestedRetryDelay({ 'retry-after': '90000' }, now)).toBeNull();
    expect(requestedRetryDelay({}, now)).toBeNull();
    expect(requestedRetryDelay({ 'retry-after': 'later' }, now)).toBeNull();
  });
});

describe('compileRetryDelay', () => {
  it('evaluates the documented examples', () => {
    expect(compileRetryDelay('1000')(3)).toBe(1000);
    expect(compileRetryDelay('1000 * (1 + retried)')(2)).toBe(3000);
    expect(compileRetryDelay('pow(2, retried) * 1000')(3)).toBe(8000);
    expect(compileRetryDelay('max(1000, pow(2, retried) * 100)')(0)).toBe(1000);
    expect(
      compileRetryDelay('floor(sqrt(16)) + abs(-1) - ceil(0.2) + round(0.4) + exp(0)')(0),
    ).toBe(5);
    expect(compileRetryDelay('min(5, retried)')(9)).toBe(5);
  });

  it('clamps to [0, 1 day]', () => {
    expect(compileRetryDelay('-5')(0)).toBe(0);
    expect(compileRetryDelay('pow(10, 12)')(0)).toBe(86_400_000);
    expect(compileRetryDelay('1 / 0')(0)).toBe(86_400_000);
  });

  it.each(['', 'retried +', 'pow(2)', 'sin(1)', 'retries * 2', '1000 ms', '(1'])(
    'refuses %j',
    (expression) => {
      expect(() => compileRetryDelay(expression)).toThrow();
    },
  );
});
