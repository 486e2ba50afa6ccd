import { signUp } from '@anythingiot/accounts';
import type { INDUSTRIES } from '@anythingiot/core';
import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useActionData } from '@remix-run/react';
import { formFailure, publicAction } from '~/server/guard.server';
import { EmailField, NewPasswordField } from '~/ui/account-fields';
import { AuthCard } from '~/ui/auth-card';
import { Field, FormError, SelectField, Submit } from '~/ui/form';
import { TimeZoneField } from '~/ui/time-zone-field';

export const meta: MetaFunction = () => [{ title: 'Sign up · AnythingIoT' }];

// Labels here rather than a runtime import of core, which would ship zod to the browser.
const INDUSTRY_LABELS: Record<(typeof INDUSTRIES)[number], string> = {
  pharma: 'Pharma',
  food: 'Food',
  chemical: 'Chemical',
  other: 'Other',
};

export async function action(args: ActionFunctionArgs) {
  const app = publicAction(args);
  const form = await args.request.formData();
  try {
    // The same answer whether the address was new or already had an account (the owner of a
    // taken address is told by email), so this page never says who has an account.
    const result = await signUp({
      ctx: app.accounts(),
      input: {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        name: String(form.get('name') ?? ''),
        companyName: String(form.get('companyName') ?? ''),
        industry: String(form.get('industry') ?? '') as (typeof INDUSTRIES)[number],
        timeZone: String(form.get('timeZone') ?? ''),
        temperatureUnit: String(form.get('temperatureUnit') ?? '') as 'C' | 'F',
      },
    });
    return { sent: result.email } as const;
  } catch (err) {
    return formFailure(err, app);
  }
}

export default function SignUp() {
  const answer = useActionData<typeof action>();
  if (answer && 'sent' in answer) {
    return (
      <AuthCard title="Check your inbox">
        <p role="status" className="text-sm text-gray-700">
          We sent an email to {answer.sent}. Open the link in it to confirm your address, then log
          in with the password you chose.
        </p>
        <Link className="mt-6 inline-block text-blue-700 underline" to="/login">
          Log in
        </Link>
      </AuthCard>
    );
  }
  const problem = answer?.problem;
  return (
    <AuthCard title="Create your company account">
      <Form method="post" className="space-y-5" noValidate>
        <FormError problem={problem} />
        <Field
          label="Company name"
          name="companyName"
          autoComplete="organization"
          required
          problem={problem}
        />
        <SelectField
          label="Industry"
          name="industry"
          defaultValue="pharma"
          problem={problem}
          choices={Object.entries(INDUSTRY_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <Field label="Your name" name="name" autoComplete="name" problem={problem} />
        <EmailField problem={problem} label="Work email" />
        <NewPasswordField problem={problem} />
        <TimeZoneField problem={problem} />
        <fieldset>
          <legend className="block text-sm font-medium text-gray-800">Temperature unit</legend>
          <div className="mt-2 flex gap-6">
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="temperatureUnit" value="C" defaultChecked /> °C
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="temperatureUnit" value="F" /> °F
            </label>
          </div>
        </fieldset>
        <Submit>Create account</Submit>
      </Form>
      <p className="mt-6 text-sm text-gray-600">
        Already have an account?{' '}
        <Link className="text-blue-700 underline" to="/login">
          Log in
        </Link>
      </p>
    </AuthCard>
  );
}
