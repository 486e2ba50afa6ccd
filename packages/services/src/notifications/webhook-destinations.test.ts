import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dohResolver } from './channels/doh-resolver.js';
import { checkWebhookDestination, UnresolvedDestination } from './webhook-destinations.js';

// A DNS-over-HTTPS server speaking the JSON API (as cloudflare-dns.com and dns.google do), with
// the zone an attacker would publish: public-looking names that point into our network.
const ZONE: Record<string, { A?: string[]; AAAA?: string[] }> = {
  'rebind.attacker.example': { A: ['10.0.0.7'] },
  'meta.attacker.example': { A: ['93.184.216.34', '169.254.169.254'] },
  'six.attacker.example': { AAAA: ['::1'] },
  'hooks.example.com': { A: ['93.184.216.34'], AAAA: ['2606:2800:220:1::1'] },
};
let server: ReturnType<typeof createServer>;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.accept !== 'application/dns-json') return res.writeHead(415).end();
    if (url.pathname === '/broken') return res.writeHead(502).end();
    const name = url.searchParams.get('name') ?? '';
    const type = url.searchParams.get('type') === 'AAAA' ? 'AAAA' : 'A';
    const records = ZONE[name];
    const body = {
      Status: records ? 0 : 3,
      Answer: (records?.[type] ?? []).map((data) => ({
        name,
        type: type === 'A' ? 1 : 28,
        TTL: 60,
        data,
      })),
    };
    res.writeHead(200, { 'content-type': 'application/dns-json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query`;
});
afterAll(() => new Promise((resolve) => server?.close(resolve)));

const check = (url: string, doh = endpoint) =>
  checkWebhookDestination(url, { allowedOrigins: [], resolve: dohResolver(doh) });

describe('a public-looking name that resolves into our network', () => {
  it.each([
    ['a private IPv4 answer', 'https://rebind.attacker.example/hook'],
    ['one metadata address among public ones', 'https://meta.attacker.example/hook'],
    ['an IPv6 loopback answer', 'https://six.attacker.example/hook'],
  ])('is refused when resolved through DNS-over-HTTPS: %s', async (_, url) => {
    expect(await check(url)).toEqual({ ok: false, reason: 'private_address' });
  });

  it('a name resolving to public addresses only, or to nothing, is accepted', async () => {
    expect(await check('https://hooks.example.com/in')).toMatchObject({ ok: true });
    expect(await check('https://nx.example.org/in')).toMatchObject({ ok: true });
  });

  it('a resolver that fails is an error to retry, never a pass', async () => {
    await expect(
      check('https://hooks.example.com/in', endpoint.replace('/dns-query', '/broken')),
    ).rejects.toBeInstanceOf(UnresolvedDestination);
  });

  it('without a resolver, names are judged by their text only (the documented limit)', async () => {
    expect(
      await checkWebhookDestination('https://rebind.attacker.example/hook', { allowedOrigins: [] }),
    ).toMatchObject({ ok: true, name: 'rebind.attacker.example' });
  });
});
