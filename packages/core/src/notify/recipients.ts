import {
  type Channel,
  channelsFor,
  type EscalationTier,
  type NotificationPolicy,
  type NotificationPrefs,
  type Severity,
  type UserChannel,
} from '../alerts/index.js';
import { canSeeFacility, isFacilityLimited } from '../tenancy/permissions.js';
import type { Role } from '../tenancy/roles.js';

/** Roles limited to the facilities listed for their membership (none listed = all). */

/** Preferences of a user who never set any: email and the in-app list, no quiet hours. */
export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = {
  channels: ['email', 'in_app'],
  quietHours: null,
  timeZone: 'UTC',
};

/**
 * Used when a tenant has no policy for an alert: owners, admins and managers by email and
 * in-app at once, and again with SMS after 15 minutes if nobody acknowledged. Nothing repeats.
 */
export const DEFAULT_NOTIFICATION_POLICY: NotificationPolicy = {
  tiers: [
    {
      afterMinutes: 0,
      recipients: { roles: ['owner', 'admin', 'manager'] },
      channels: ['email', 'in_app'],
    },
    {
      afterMinutes: 15,
      recipients: { roles: ['owner', 'admin', 'manager'] },
      channels: ['email', 'sms', 'in_app'],
    },
  ],
  repeatEveryMinutes: null,
  maxRepeats: 0,
};

/** A tenant member as the recipient lookup loads them. */
export type MemberCandidate = {
  userId: string;
  email: string;
  role: Role;
  /** False when the membership is deactivated or the user disabled. */
  active: boolean;
  /** membership_facilities rows; only consulted for facility-limited roles. */
  facilityIds: readonly string[];
  prefs: NotificationPrefs | null;
  phone: string | null;
};

/**
 * Whether a member hears about alerts of `facilityId`: the permission matrix's rule (operators
 * and vendors only their listed facilities), and a device in no facility only for roles that
 * are not facility-limited.
 */
export function hearsAboutFacility(member: MemberCandidate, facilityId: string | null): boolean {
  return facilityId === null ? !isFacilityLimited(member.role) : canSeeFacility(member, facilityId);
}

export type PersonDelivery = { userId: string; channel: UserChannel; address: string };

/**
 * Who a tier reaches and how: active members named by role or id who can see the alert's
 * facility, over the tier's channels that the person also wants right now (quiet hours mute
 * email and SMS below critical). SMS needs a phone number; without one it is skipped.
 * Each (user, channel) appears once even when a person matches by role and by id.
 */
export function personDeliveries(input: {
  tier: Pick<EscalationTier, 'recipients' | 'channels'>;
  members: readonly MemberCandidate[];
  facilityId: string | null;
  severity: Severity;
  nowMs: number;
}): PersonDelivery[] {
  const { roles = [], userIds = [] } = input.tier.recipients;
  const tierChannels = new Set<Channel>(input.tier.channels);
  const out: PersonDelivery[] = [];
  const seen = new Set<string>();
  for (const member of input.members) {
    if (!member.active || !hearsAboutFacility(member, input.facilityId)) continue;
    if (!roles.includes(member.role) && !userIds.includes(member.userId)) continue;
    const wanted = channelsFor(
      member.prefs ?? DEFAULT_NOTIFICATION_PREFS,
      input.severity,
      input.nowMs,
    );
    for (const channel of wanted) {
      if (!tierChannels.has(channel)) continue;
      const address =
        channel === 'email' ? member.email : channel === 'sms' ? member.phone : member.userId;
      if (!address) continue;
      const key = `${member.userId}:${channel}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ userId: member.userId, channel, address });
    }
  }
  return out;
}

export type WebhookTarget = { id: string; url: string; enabled: boolean };

/** The tier's webhook endpoints that exist in the tenant and are enabled. */
export function webhookDeliveries(
  tier: Pick<EscalationTier, 'recipients' | 'channels'>,
  endpoints: readonly WebhookTarget[],
): WebhookTarget[] {
  if (!tier.channels.includes('webhook')) return [];
  const ids = new Set(tier.recipients.webhookEndpointIds ?? []);
  return endpoints.filter((e) => e.enabled && ids.has(e.id));
}

/**
 * The policy that governs an alert: the facility's policy covering the severity, else the
 * tenant-wide one, else the built-in default. Among several matches the oldest wins, so adding
 * a policy never silently changes who hears about alerts already covered.
 */
export function choosePolicy<
  P extends { facilityId: string | null; severities: readonly string[]; createdAt: Date },
>(policies: readonly P[], alert: { facilityId: string | null; severity: Severity }): P | null {
  const covering = policies
    .filter((p) => p.severities.includes(alert.severity))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return (
    (alert.facilityId !== null && covering.find((p) => p.facilityId === alert.facilityId)) ||
    covering.find((p) => p.facilityId === null) ||
    null
  );
}
