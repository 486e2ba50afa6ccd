import { SEND_TIMEOUT_MS } from './send-error.js';

type DnsJsonAnswer = { Status?: number; Answer?: { type?: number; data?: string }[] };
const A = 1;
const AAAA = 28;

/**
 * A host's A and AAAA addresses over DNS-over-HTTPS (the JSON API Cloudflare's and Google's
 * resolvers serve: `GET {endpoint}?name=…&type=A`, `accept: application/dns-json`). Workers have
 * no DNS API, so this is how the webhook rules see where a name points. It narrows, but cannot
 * close, DNS rebinding: the runtime's fetch resolves the name again on its own.
 */
export function dohResolver(endpoint: string) {
  const query = async (host: string, type: 'A' | 'AAAA'): Promise<string[]> => {
    const url = new URL(endpoint);
    url.searchParams.set('name', host);
    url.searchParams.set('type', type);
    const response = await fetch(url, {
      headers: { accept: 'application/dns-json' },
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`DNS-over-HTTPS answered ${response.status}`);
    const answer = (await response.json()) as DnsJsonAnswer;
    // NXDOMAIN (3) has no addresses: nothing to connect to, nothing private either.
    if (answer.Status !== 0 && answer.Status !== 3) {
      throw new Error(`DNS-over-HTTPS status ${answer.Status}`);
    }
    const wanted = type === 'A' ? A : AAAA;
    return (answer.Answer ?? [])
      .filter((a) => a.type === wanted && typeof a.data === 'string')
      .map((a) => a.data as string);
  };
  return async (host: string): Promise<string[]> => {
    const [v4, v6] = await Promise.all([query(host, 'A'), query(host, 'AAAA')]);
    return [...v4, ...v6];
  };
}
