/**
 * Where a tenant's webhook may point. A webhook is a request our servers make to a URL a tenant
 * typed in, so without these rules a tenant could make us call the cloud's metadata service,
 * our own loopback services or a private network (server-side request forgery). Judged at
 * registration and again at send time (a stored row may predate a rule, or the config changed).
 */

/** Configuration, never an environment branch: production sets none of these. */
export type WebhookDestinationRules = {
  /**
   * Origins (`scheme://host:port`) a deployment runs itself and trusts, exempt from the https
   * and address rules — e.g. the devstack's catcher on `http://127.0.0.1:<port>`.
   */
  allowedOrigins: readonly string[];
};

export const STRICT_WEBHOOK_RULES: WebhookDestinationRules = { allowedOrigins: [] };

export type WebhookDestinationRefusal =
  | 'malformed'
  | 'not_https'
  | 'private_address'
  | 'internal_name'
  | 'credentials';

/** Fixed reasons, shown to the tenant and stored as a delivery's last error (nothing else is). */
export const WEBHOOK_REFUSAL_MESSAGES: Record<WebhookDestinationRefusal, string> = {
  malformed: 'must be an absolute https URL',
  not_https: 'must use https',
  private_address:
    'must not point at a loopback, private, link-local, shared (CGNAT) or metadata address',
  internal_name: 'must name a public host (not localhost, a metadata or an internal name)',
  credentials: 'must not carry a user name or password',
};

export type WebhookDestinationVerdict =
  | {
      ok: true;
      url: URL;
      /** An allowed origin: no further checks (no name resolution either). */
      allowlisted: boolean;
      /** A host name to resolve where the runtime can, or null for a literal IP address. */
      name: string | null;
    }
  | { ok: false; reason: WebhookDestinationRefusal };

/**
 * Judges a webhook URL by its text: scheme, literal IP addresses (every form the URL parser
 * normalises: `http://2130706433/`, `0x7f.1`, `[::ffff:127.0.0.1]` …) and well-known internal
 * names. A public-looking name may still resolve to a private address: the caller resolves it
 * where it can (see `isBlockedAddress`).
 */
export function judgeWebhookDestination(
  raw: string,
  rules: WebhookDestinationRules,
): WebhookDestinationVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'malformed' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials' };
  if (rules.allowedOrigins.some((origin) => sameOrigin(origin, url))) {
    return { ok: true, url, allowlisted: true, name: null };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'not_https' };

  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[')) {
    return isBlockedAddress(host.slice(1, -1))
      ? { ok: false, reason: 'private_address' }
      : { ok: true, url, allowlisted: false, name: null };
  }
  if (parseIPv4(host)) {
    return isBlockedAddress(host)
      ? { ok: false, reason: 'private_address' }
      : { ok: true, url, allowlisted: false, name: null };
  }
  if (isInternalName(host)) return { ok: false, reason: 'internal_name' };
  return { ok: true, url, allowlisted: false, name: host };
}

function sameOrigin(origin: string, url: URL): boolean {
  try {
    return new URL(origin).origin === url.origin;
  } catch {
    return false;
  }
}

// Names that only mean something inside a network (or to a cloud's metadata service). A name
// without a dot is resolved through search domains, i.e. inside the network: refused too.
const INTERNAL_SUFFIXES = ['localhost', 'local', 'internal', 'localdomain', 'home.arpa', 'lan'];
const INTERNAL_NAMES = new Set(['metadata', 'metadata.goog', 'instance-data']);

function isInternalName(host: string): boolean {
  if (!host.includes('.')) return true;
  if (INTERNAL_NAMES.has(host)) return true;
  return INTERNAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

/**
 * True for an address a webhook must never reach: loopback, private (10/8, 172.16/12,
 * 192.168/16), link-local (169.254/16 — the metadata service —, fe80::/10), CGNAT
 * (100.64/10), unique-local (fc00::/7), 0.0.0.0/8, multicast and reserved ranges, IPv4-mapped
 * and -compatible IPv6, NAT64 and 6to4 forms of a blocked IPv4. Anything unparseable counts
 * as blocked (fail closed).
 */
export function isBlockedAddress(address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4) return isBlockedIPv4(v4);
  const v6 = parseIPv6(address);
  if (!v6) return true;
  return isBlockedIPv6(v6);
}

type Cidr4 = [number, number, number, number, number];
const BLOCKED_V4: Cidr4[] = [
  [0, 0, 0, 0, 8], // "this network", incl. 0.0.0.0
  [10, 0, 0, 0, 8],
  [100, 64, 0, 0, 10], // shared address space (CGNAT)
  [127, 0, 0, 0, 8],
  [169, 254, 0, 0, 16], // link-local, incl. 169.254.169.254 (metadata)
  [172, 16, 0, 0, 12],
  [192, 0, 0, 0, 24], // IETF protocol assignments
  [192, 0, 2, 0, 24], // documentation
  [192, 88, 99, 0, 24], // 6to4 relay anycast
  [192, 168, 0, 0, 16],
  [198, 18, 0, 0, 15], // benchmarking
  [198, 51, 100, 0, 24], // documentation
  [203, 0, 113, 0, 24], // documentation
  [224, 0, 0, 0, 4], // multicast
  [240, 0, 0, 0, 4], // reserved, incl. 255.255.255.255
];

const v4Number = (b: readonly number[]) =>
  (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;

function isBlockedIPv4(bytes: readonly number[]): boolean {
  const n = v4Number(bytes);
  return BLOCKED_V4.some(([a, b, c, d, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (n & mask) >>> 0 === (v4Number([a, b, c, d]) & mask) >>> 0;
  });
}

function isBlockedIPv6(b: readonly number[]): boolean {
  const word = (i: number) => ((b[i * 2] ?? 0) << 8) | (b[i * 2 + 1] ?? 0);
  const first80Zero = b.slice(0, 10).every((x) => x === 0);
  // ::/96 (unspecified, loopback, IPv4-compatible) and ::ffff:0:0/96 (IPv4-mapped): an IPv4
  // address in IPv6 clothing; refused whatever the IPv4 part says.
  if (first80Zero && (word(5) === 0 || word(5) === 0xffff)) return true;
  const w0 = word(0);
  if ((w0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((w0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((w0 & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((w0 & 0xff00) === 0xff00) return true; // multicast
  if (w0 === 0x0100 && word(1) === 0 && word(2) === 0 && word(3) === 0) return true; // discard
  if (w0 === 0x2001 && word(1) === 0x0db8) return true; // documentation
  // NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16) reach the IPv4 they embed.
  if (w0 === 0x0064 && word(1) === 0xff9b) {
    return word(2) === 1 || isBlockedIPv4(b.slice(12, 16));
  }
  if (w0 === 0x2002) return isBlockedIPv4(b.slice(2, 6));
  return false;
}

/** Dotted-decimal IPv4 (the form the URL parser normalises every IPv4 host to), or null. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

/** An IPv6 address (with `::` and an optional dotted IPv4 tail) as 16 bytes, or null. */
export function parseIPv6(text: string): number[] | null {
  const address = text.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) does not change the range
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return null;
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i] ?? '';
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (!v4) return null;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return null;
        out.push(Number.parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const words = [...head, ...Array<number>(missing).fill(0), ...tail];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}
