export type RenderedEmail = { subject: string; html: string; text: string };

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * One column, inline styles, no images: mail clients ignore stylesheets and block images,
 * and a single column reads best on phones. Every email carries its link as text too.
 */
function layout(input: {
  subject: string;
  paragraphs: string[];
  button: string;
  link: string;
  footer: string;
}): RenderedEmail {
  const text = [
    ...input.paragraphs.flatMap((p) => [p, '']),
    `${input.button}: ${input.link}`,
    '',
    input.footer,
  ].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(input.subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;">
<tr><td style="background:#0f766e;color:#ffffff;padding:14px 16px;font-size:18px;font-weight:bold;">AnythingIoT</td></tr>
${input.paragraphs.map((p) => `<tr><td style="padding:12px 16px 0;font-size:15px;line-height:1.5;">${escapeHtml(p)}</td></tr>`).join('\n')}
<tr><td style="padding:18px 16px;"><a href="${escapeHtml(input.link)}" style="display:inline-block;background:#0f766e;color:#ffffff;text-decoration:none;padding:12px 18px;border-radius:6px;font-size:16px;">${escapeHtml(input.button)}</a></td></tr>
<tr><td style="padding:0 16px 12px;font-size:13px;color:#6b7280;">Or paste this link into your browser: ${escapeHtml(input.link)}</td></tr>
<tr><td style="padding:0 16px 16px;font-size:13px;color:#6b7280;">${escapeHtml(input.footer)}</td></tr>
</table></body></html>`;
  return { subject: input.subject, html, text };
}

/** Sent after sign-up (and on request): confirm the address. */
export function renderVerifyEmail(input: { link: string; hours: number }): RenderedEmail {
  return layout({
    subject: 'Confirm your email address',
    paragraphs: [
      'Welcome to AnythingIoT. Please confirm that this is your email address, so alerts and password resets reach you.',
      `The link works once and expires in ${input.hours} hours.`,
    ],
    button: 'Confirm email address',
    link: input.link,
    footer: 'If you did not create an account, you can ignore this email.',
  });
}

/**
 * Sent when someone signs up with an address that already has an account: the sign-up form
 * answers the same either way, so only the address's owner learns that the account exists.
 */
export function renderSignUpAttempt(input: { link: string }): RenderedEmail {
  return layout({
    subject: 'Someone tried to sign up with your email address',
    paragraphs: [
      'Someone just tried to create an AnythingIoT company account with this email address, which already has an account.',
      'If it was you, log in instead; if you forgot your password, the login page lets you reset it.',
    ],
    button: 'Log in',
    link: input.link,
    footer: 'If it was not you, you can ignore this email: nothing was changed.',
  });
}

/** Sent on a password reset request for an existing account. */
export function renderPasswordReset(input: { link: string; minutes: number }): RenderedEmail {
  return layout({
    subject: 'Reset your password',
    paragraphs: [
      'Someone asked to reset the password of your AnythingIoT account.',
      `The link works once and expires in ${input.minutes} minutes. Resetting signs you out everywhere.`,
    ],
    button: 'Choose a new password',
    link: input.link,
    footer: 'If you did not ask for this, ignore this email: your password stays as it is.',
  });
}

/** Sent to an invited address. */
export function renderInvitation(input: {
  link: string;
  tenantName: string;
  inviterName: string;
  role: string;
  days: number;
}): RenderedEmail {
  return layout({
    subject: `${input.inviterName} invited you to ${input.tenantName} on AnythingIoT`,
    paragraphs: [
      `${input.inviterName} invited you to join ${input.tenantName} on AnythingIoT as ${input.role}.`,
      `The invitation expires in ${input.days} days.`,
    ],
    button: 'Accept the invitation',
    link: input.link,
    footer: 'If you did not expect this invitation, you can ignore this email.',
  });
}
