import { PASSWORD_MIN_LENGTH as POLICY } from '@anythingiot/accounts';
import { expect, it } from 'vitest';
import { PASSWORD_MIN_LENGTH } from './password';

it("the forms' password hint states the minimum the server enforces", () => {
  expect(PASSWORD_MIN_LENGTH).toBe(POLICY);
});
