import { DEFAULT_LOGIN_THROTTLE, login } from '@anythingiot/accounts';
import { describe, expect, it } from 'vitest';
import { failure, PASSWORD, randomIp, useAccounts } from './harness.js';

// The production limits (5 per address): the attack is run against what ships.
const t = useAccounts();

describe('login lock-out under parallel requests', () => {
  it('20 wrong passwords sent at once: at most 5 reach scrypt, the rest answer 429, and the right password is then refused', async () => {
    const owner = await t.signUpOwner('parallel');
    expect(DEFAULT_LOGIN_THROTTLE.account.limit).toBe(5);
    t.state.verified.length = 0;
    const ip = randomIp();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        failure(() =>
          login({ ctx: t.ctx(ip), input: { email: owner.email, password: `guess number ${i}` } }),
        ),
      ),
    );
    // Before the fix every one of them read "0 failures so far" and all 20 were verified.
    expect(t.state.verified.length).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(15);
    expect(answers.every((a) => a.code === 'UNAUTHENTICATED' || a.code === 'RATE_LIMITED')).toBe(
      true,
    );
    // The lock holds for the owner's own password, from anywhere.
    const f = await failure(() =>
      login({ ctx: t.ctx(), input: { email: owner.email, password: PASSWORD } }),
    );
    expect(f.code).toBe('RATE_LIMITED');
  });
});
