import { describe, expect, it } from 'vitest';
import { DomainError } from './domain-error.js';
import { problemFromDomainError } from './problem.js';

describe('problemFromDomainError', () => {
  it('names the reason as the code and keeps the field errors', () => {
    const err = new DomainError('VALIDATION', 'Check the highlighted fields.', {
      reason: 'invalid_device',
      errors: [{ path: 'name', message: 'Enter a name.' }],
    });
    expect(problemFromDomainError(err)).toEqual({
      problem: {
        type: 'https://docs.anythingiot.dev/problems/invalid_device',
        title: 'Invalid request',
        status: 422,
        detail: 'Check the highlighted fields.',
        code: 'invalid_device',
        errors: [{ path: 'name', message: 'Enter a name.' }],
      },
      retryAfterSeconds: undefined,
    });
  });

  it('falls back to the lower-cased error code, and tells 429/503 callers when to retry', () => {
    const limited = problemFromDomainError(new DomainError('RATE_LIMITED', 'Slow down.'));
    expect(limited.problem).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.retryAfterSeconds).toBe(5);
    const told = new DomainError('UNAVAILABLE', 'Later.', { retryAfterSeconds: 30 });
    expect(problemFromDomainError(told).retryAfterSeconds).toBe(30);
    expect(problemFromDomainError(new DomainError('NOT_FOUND', 'No.')).problem.status).toBe(404);
  });
});
