import type { Mailer, OutgoingEmail } from '@anythingiot/accounts';
import type { Role } from '@anythingiot/core';
import type { MemberChangeMeta } from '@anythingiot/db';
import type { ServicePorts, TenantCtx } from '../context.js';

/** What the member use cases reach beyond the tenant ports: the invitation email. */
export type MemberPorts = ServicePorts & {
  mailer: Mailer;
  /** The dashboard's public origin (and optional path prefix): where emailed links point. */
  appUrl: string;
  /** Failures that must not change the answer (an email that could not be sent). */
  warn(message: string, data: Record<string, unknown>): void;
};

/**
 * A signed-in member acting in their tenant: the tenant context plus who they are in it (role
 * and membership from the session's membership row, never from the request) — core's
 * membership rules (only owners touch the owner role, never the last owner) need the role.
 * Whether the member may manage people at all is the adapter's check (`user.read`,
 * `user.invite`, `user.manage`), like every other permission.
 */
export type MemberCtx = Omit<TenantCtx, 'ports'> & {
  member: { userId: string; membershipId: string; role: Role; name: string; email: string };
  ports: MemberPorts;
};

/** The audit metadata of a member's change. */
export const memberMeta = (ctx: MemberCtx): MemberChangeMeta => ({
  actor: { type: 'user', id: ctx.member.userId },
  requestId: ctx.requestId,
  at: new Date(ctx.ports.now()),
});

/** Sends an email whose failure must not undo the committed change: logged, `false`. */
export async function sendQuietly(ctx: MemberCtx, email: OutgoingEmail, kind: string) {
  try {
    await ctx.ports.mailer(email);
    return true;
  } catch (err) {
    ctx.ports.warn('account email not sent', {
      kind,
      requestId: ctx.requestId,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
