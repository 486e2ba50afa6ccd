import { describe, expect, it } from 'vitest';
import { AccountsEnvSchema } from './deps.js';

const env = {
  APP_URL: 'https://app.example.com',
  MAIL_FROM: 'AnythingIoT <no-reply@example.com>',
  RESEND_API_KEY: 're_test',
  UPSTASH_REDIS_REST_URL: 'https://redis.example.com',
  UPSTASH_REDIS_REST_TOKEN: 'token',
};

describe('SIGNUP_LIMIT_PER_HOUR', () => {
  it('is optional: without it the default of 10 sign-ups per IP and hour applies', () => {
    expect(AccountsEnvSchema.parse(env).SIGNUP_LIMIT_PER_HOUR).toBeUndefined();
  });

  it('takes a whole number of sign-ups per hour', () => {
    expect(AccountsEnvSchema.parse({ ...env, SIGNUP_LIMIT_PER_HOUR: '250' })).toMatchObject({
      SIGNUP_LIMIT_PER_HOUR: 250,
    });
  });

  it.each(['0', '-3', '1.5', 'lots', ''])('refuses %j, naming what it wants', (value) => {
    const parsed = AccountsEnvSchema.safeParse({ ...env, SIGNUP_LIMIT_PER_HOUR: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['SIGNUP_LIMIT_PER_HOUR'] });
  });
});
