import type { Problem } from '@anythingiot/accounts';
import { Field } from './form';
import { PASSWORD_HINT } from './password';

type Props = { problem: Problem | null | undefined; label?: string };

/** The address someone logs in with (the `email` field). */
export function EmailField({ problem, label = 'Email' }: Props) {
  return (
    <Field
      label={label}
      name="email"
      type="email"
      autoComplete="email"
      required
      problem={problem}
    />
  );
}

/** The password someone logs in with (the `password` field). */
export function PasswordField({ problem, label = 'Password' }: Props) {
  return (
    <Field
      label={label}
      name="password"
      type="password"
      autoComplete="current-password"
      required
      problem={problem}
    />
  );
}

/** A password being chosen (the `password` field), with the policy's hint. */
export function NewPasswordField({ problem, label = 'Password' }: Props) {
  return (
    <Field
      label={label}
      name="password"
      type="password"
      autoComplete="new-password"
      required
      problem={problem}
      hint={PASSWORD_HINT}
    />
  );
}
