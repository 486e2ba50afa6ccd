// The users page's data as its components receive it (JSON: dates as strings).

import type { SerializeFrom } from '@remix-run/cloudflare';
import type { loader } from '~/routes/_app.settings.users';
import type { FormFailure } from '~/server/guard.server';

/** The loader's members, invitations, facilities and what the member may do. */
export type UsersPageData = SerializeFrom<typeof loader>;
export type MemberRow = UsersPageData['members'][number];
export type InvitationRowData = UsersPageData['invitations'][number];

/** What a form on this page answered; `target` says which row's form it was. */
export type UsersActionData = { intent: string; target: string } & (
  | { ok: string; warning?: string }
  | FormFailure
);
