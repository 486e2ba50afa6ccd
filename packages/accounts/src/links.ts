/**
 * The dashboard paths the emails link to; each link carries `?token=<43 chars>`. The pages
 * show a form and consume the token only on POST, so a mail scanner that fetches the link
 * does not use it up; they should answer with `Referrer-Policy: no-referrer`.
 */
export const ACCOUNT_LINK_PATHS = {
  verifyEmail: '/verify-email',
  resetPassword: '/reset-password',
  acceptInvitation: '/invitations/accept',
} as const;

export type AccountLink = keyof typeof ACCOUNT_LINK_PATHS;

/** `${appUrl}/…?token=…`, with the app URL's own path kept (the app may live under a prefix). */
export function accountLink(appUrl: string, link: AccountLink, token: string): string {
  const url = new URL(appUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${ACCOUNT_LINK_PATHS[link]}`;
  url.search = new URLSearchParams({ token }).toString();
  url.hash = '';
  return url.toString();
}
