import { describe, expect, it } from 'vitest';
import { NotificationPolicySchema } from '../alerts/index.js';
import {
  choosePolicy,
  DEFAULT_NOTIFICATION_POLICY,
  hearsAboutFacility,
  type MemberCandidate,
  personDeliveries,
  webhookDeliveries,
} from './recipients.js';

const member = (over: Partial<MemberCandidate> & Pick<MemberCandidate, 'userId' | 'role'>) => ({
  email: `${over.userId}@example.com`,
  active: true,
  facilityIds: [],
  prefs: null,
  phone: null,
  ...over,
});
// 03:00 UTC on a Monday.
const NIGHT = Date.parse('2026-11-23T03:00:00Z');
const tier = (roles: MemberCandidate['role'][], channels: ('email' | 'sms' | 'in_app')[]) => ({
  recipients: { roles },
  channels,
});

describe('facility visibility', () => {
  it('limits operators and vendors with facility rows to those facilities', () => {
    const limited = member({ userId: 'u1', role: 'operator', facilityIds: ['fac_a'] });
    expect(hearsAboutFacility(limited, 'fac_a')).toBe(true);
    expect(hearsAboutFacility(limited, 'fac_b')).toBe(false);
    expect(hearsAboutFacility(limited, null)).toBe(false);
    expect(
      hearsAboutFacility(member({ userId: 'u2', role: 'vendor', facilityIds: ['fac_a'] }), 'fac_b'),
    ).toBe(false);
  });
  it('lets everyone else see every facility, and a limited role without rows none', () => {
    // The permission matrix's rule: an operator must be assigned facilities to see any.
    expect(hearsAboutFacility(member({ userId: 'u1', role: 'operator' }), 'fac_b')).toBe(false);
    // Rows on a manager mean nothing: managers are not facility-limited.
    expect(
      hearsAboutFacility(
        member({ userId: 'u2', role: 'manager', facilityIds: ['fac_a'] }),
        'fac_b',
      ),
    ).toBe(true);
  });
});

describe('personDeliveries', () => {
  const members = [
    member({ userId: 'usr_owner', role: 'owner' }),
    member({ userId: 'usr_op_a', role: 'operator', facilityIds: ['fac_a'] }),
    member({ userId: 'usr_op_b', role: 'operator', facilityIds: ['fac_b'] }),
    member({ userId: 'usr_gone', role: 'owner', active: false }),
    member({ userId: 'usr_audit', role: 'auditor' }),
  ];

  it('reaches active members of the roles who can see the facility, by default email + in-app', () => {
    const out = personDeliveries({
      tier: tier(['owner', 'operator'], ['email', 'in_app', 'sms']),
      members,
      facilityId: 'fac_a',
      severity: 'warning',
      nowMs: NIGHT,
    });
    expect(out).toEqual([
      { userId: 'usr_owner', channel: 'email', address: 'usr_owner@example.com' },
      { userId: 'usr_owner', channel: 'in_app', address: 'usr_owner' },
      { userId: 'usr_op_a', channel: 'email', address: 'usr_op_a@example.com' },
      { userId: 'usr_op_a', channel: 'in_app', address: 'usr_op_a' },
    ]);
  });

  it('uses only channels both the tier and the person want; SMS needs a phone', () => {
    const people = [
      member({
        userId: 'usr_sms',
        role: 'manager',
        phone: '+447700900123',
        prefs: { channels: ['sms', 'email'], quietHours: null, timeZone: 'UTC' },
      }),
      member({
        userId: 'usr_nophone',
        role: 'manager',
        prefs: { channels: ['sms'], quietHours: null, timeZone: 'UTC' },
      }),
    ];
    const out = personDeliveries({
      tier: tier(['manager'], ['sms', 'in_app']),
      members: people,
      facilityId: null,
      severity: 'critical',
      nowMs: NIGHT,
    });
    expect(out).toEqual([{ userId: 'usr_sms', channel: 'sms', address: '+447700900123' }]);
  });

  it('quiet hours mute email and SMS for a warning but never for a critical alert', () => {
    const sleeper = member({
      userId: 'usr_sleep',
      role: 'manager',
      phone: '+447700900123',
      prefs: {
        channels: ['email', 'sms', 'in_app'],
        quietHours: { start: '22:00', end: '07:00' },
        timeZone: 'Europe/London',
      },
    });
    const run = (severity: 'warning' | 'critical', nowMs: number) =>
      personDeliveries({
        tier: tier(['manager'], ['email', 'sms', 'in_app']),
        members: [sleeper],
        facilityId: null,
        severity,
        nowMs,
      }).map((d) => d.channel);
    expect(run('warning', NIGHT)).toEqual(['in_app']);
    expect(run('critical', NIGHT)).toEqual(['email', 'sms', 'in_app']);
    expect(run('warning', Date.parse('2026-11-23T12:00:00Z'))).toEqual(['email', 'sms', 'in_app']);
  });

  it('names a person once when matched by role and by id', () => {
    const out = personDeliveries({
      tier: { recipients: { roles: ['owner'], userIds: ['usr_owner'] }, channels: ['email'] },
      members,
      facilityId: 'fac_a',
      severity: 'critical',
      nowMs: NIGHT,
    });
    expect(out).toEqual([
      { userId: 'usr_owner', channel: 'email', address: 'usr_owner@example.com' },
    ]);
  });

  it('reaches a user named by id only if they can see the facility', () => {
    const out = personDeliveries({
      tier: { recipients: { userIds: ['usr_op_b', 'usr_op_a'] }, channels: ['email'] },
      members,
      facilityId: 'fac_a',
      severity: 'critical',
      nowMs: NIGHT,
    });
    expect(out.map((d) => d.userId)).toEqual(['usr_op_a']);
  });
});

describe('webhookDeliveries', () => {
  const endpoints = [
    { id: 'whk_1', url: 'https://a.example/hook', enabled: true },
    { id: 'whk_2', url: 'https://b.example/hook', enabled: false },
    { id: 'whk_3', url: 'https://c.example/hook', enabled: true },
  ];
  it('picks the enabled endpoints the tier names, only for the webhook channel', () => {
    const t = {
      recipients: { webhookEndpointIds: ['whk_1', 'whk_2'] },
      channels: ['webhook' as const],
    };
    expect(webhookDeliveries(t, endpoints).map((e) => e.id)).toEqual(['whk_1']);
    expect(webhookDeliveries({ ...t, channels: ['email'] }, endpoints)).toEqual([]);
  });
});

describe('choosePolicy', () => {
  const at = (s: string) => new Date(`2026-01-0${s}T00:00:00Z`);
  const policies = [
    {
      id: 'tenant-all',
      facilityId: null,
      severities: ['info', 'warning', 'critical'],
      createdAt: at('2'),
    },
    { id: 'fac-a-critical', facilityId: 'fac_a', severities: ['critical'], createdAt: at('3') },
    {
      id: 'fac-a-critical-later',
      facilityId: 'fac_a',
      severities: ['critical'],
      createdAt: at('4'),
    },
  ];
  it('prefers the facility policy covering the severity, else the tenant one', () => {
    expect(choosePolicy(policies, { facilityId: 'fac_a', severity: 'critical' })?.id).toBe(
      'fac-a-critical',
    );
    expect(choosePolicy(policies, { facilityId: 'fac_a', severity: 'warning' })?.id).toBe(
      'tenant-all',
    );
    expect(choosePolicy(policies, { facilityId: null, severity: 'critical' })?.id).toBe(
      'tenant-all',
    );
    expect(
      choosePolicy(policies.slice(1), { facilityId: 'fac_b', severity: 'critical' }),
    ).toBeNull();
  });
});

describe('the built-in default policy', () => {
  it('is a valid policy', () => {
    expect(NotificationPolicySchema.safeParse(DEFAULT_NOTIFICATION_POLICY).success).toBe(true);
  });
});
