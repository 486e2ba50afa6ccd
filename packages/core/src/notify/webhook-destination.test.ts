import { describe, expect, it } from 'vitest';
import {
  isBlockedAddress,
  judgeWebhookDestination,
  parseIPv6,
  STRICT_WEBHOOK_RULES,
} from './webhook-destination.js';

const reason = (url: string, rules = STRICT_WEBHOOK_RULES) => {
  const verdict = judgeWebhookDestination(url, rules);
  return verdict.ok ? 'ok' : verdict.reason;
};

describe('a tenant pointing a webhook at our own network (SSRF)', () => {
  it.each([
    // The cloud metadata service, by address and by name.
    ['https://169.254.169.254/latest/meta-data/iam/security-credentials/', 'private_address'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'internal_name'],
    ['https://metadata/computeMetadata/v1/', 'internal_name'],
    // Loopback in every spelling the URL parser accepts.
    ['https://127.0.0.1:5432/', 'private_address'],
    ['https://2130706433/', 'private_address'],
    ['https://0x7f.1/', 'private_address'],
    ['https://127.1/', 'private_address'],
    ['https://localhost/', 'internal_name'],
    ['https://api.localhost./', 'internal_name'],
    ['https://[::1]/', 'private_address'],
    ['https://0.0.0.0/', 'private_address'],
    ['https://[::]/', 'private_address'],
    // Private, link-local, CGNAT and unique-local networks.
    ['https://10.0.0.5/admin', 'private_address'],
    ['https://172.16.3.4/', 'private_address'],
    ['https://172.31.255.255/', 'private_address'],
    ['https://192.168.1.1/', 'private_address'],
    ['https://100.64.0.1/', 'private_address'],
    ['https://100.127.255.254/', 'private_address'],
    ['https://[fe80::1]/', 'private_address'],
    ['https://[fd12:3456:789a::1]/', 'private_address'],
    ['https://[fc00::1]/', 'private_address'],
    // IPv4 dressed as IPv6: mapped, compatible, NAT64, 6to4.
    ['https://[::ffff:127.0.0.1]/', 'private_address'],
    ['https://[::ffff:169.254.169.254]/', 'private_address'],
    ['https://[::ffff:8.8.8.8]/', 'private_address'],
    ['https://[::10.0.0.1]/', 'private_address'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'private_address'],
    ['https://[2002:a00:1::]/', 'private_address'],
    // Internal names resolved through search domains or mDNS.
    ['https://intranet/', 'internal_name'],
    ['https://printer.local/', 'internal_name'],
    ['https://db.internal/', 'internal_name'],
    ['https://nas.home.arpa/', 'internal_name'],
    // Plain http (readable by anyone on the path) and other schemes.
    ['http://hooks.example.com/in', 'not_https'],
    ['ftp://hooks.example.com/in', 'malformed'],
    ['file:///etc/passwd', 'malformed'],
    ['not a url', 'malformed'],
    ['https://user:pass@hooks.example.com/', 'credentials'],
  ])('refuses %s (%s)', (url, expected) => {
    expect(reason(url)).toBe(expected);
  });

  it.each([
    'https://hooks.example.com/in',
    'https://8.8.8.8/hook',
    'https://172.32.0.1/',
    'https://100.128.0.1/',
    'https://[2606:4700:4700::1111]/',
    'https://hooks.example.com:8443/x?y=1',
  ])('accepts a public destination: %s', (url) => {
    expect(reason(url)).toBe('ok');
  });

  it('lets a configured origin through, and only that origin', () => {
    const rules = { allowedOrigins: ['http://127.0.0.1:4010'] };
    expect(reason('http://127.0.0.1:4010/webhooks/x', rules)).toBe('ok');
    expect(judgeWebhookDestination('http://127.0.0.1:4010/x', rules)).toMatchObject({
      allowlisted: true,
    });
    expect(reason('http://127.0.0.1:5432/', rules)).toBe('not_https');
    expect(reason('https://127.0.0.1:4010/', rules)).toBe('private_address');
    expect(reason('http://localhost:4010/', rules)).toBe('not_https');
  });

  it('names a host that should be resolved, and none for a literal address', () => {
    expect(
      judgeWebhookDestination('https://Hooks.Example.com./x', STRICT_WEBHOOK_RULES),
    ).toMatchObject({ ok: true, name: 'hooks.example.com' });
    expect(judgeWebhookDestination('https://8.8.8.8/', STRICT_WEBHOOK_RULES)).toMatchObject({
      ok: true,
      name: null,
    });
  });
});

describe('resolved addresses', () => {
  it.each([
    ['10.1.2.3', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['::ffff:10.0.0.1', true],
    ['fe80::1%eth0', true],
    ['garbage', true],
    ['93.184.216.34', false],
    ['2606:4700:4700::1111', false],
  ])('%s blocked: %s', (address, blocked) => {
    expect(isBlockedAddress(address)).toBe(blocked);
  });

  it('parses IPv6 forms', () => {
    expect(parseIPv6('::')).toEqual(Array(16).fill(0));
    expect(parseIPv6('1::')?.slice(0, 2)).toEqual([0, 1]);
    expect(parseIPv6('::ffff:1.2.3.4')?.slice(10)).toEqual([255, 255, 1, 2, 3, 4]);
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('12345::')).toBeNull();
  });
});
