/**
 * Prefixed, random ids (`tnt_…`, `dev_…`) so logs and support tickets say what an id is.
 * 20 characters of Crockford base32 = 100 bits of randomness: unguessable and collision-free
 * at any realistic volume, and safe in URLs, file names and MQTT topics.
 */
export const ID_PREFIXES = {
  tenant: 'tnt',
  user: 'usr',
  membership: 'mbr',
  facility: 'fac',
  device: 'dev',
  deviceCredential: 'dcr',
  apiKey: 'key',
  audit: 'aud',
  request: 'req',
  alertRule: 'arl',
  excursion: 'exc',
  alert: 'alr',
  delivery: 'dlv',
  notificationPolicy: 'npl',
  webhookEndpoint: 'whk',
  notification: 'ntf',
  invitation: 'inv',
  command: 'cmd',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const BODY_LENGTH = 20;
const ID_PATTERN = new RegExp(`^([a-z]{3})_[${ALPHABET}]{${BODY_LENGTH}}$`);

/** A new random id of the given kind, e.g. `newId('device')` → `dev_…`. */
export function newId(kind: IdKind): string {
  const bytes = crypto.getRandomValues(new Uint8Array(BODY_LENGTH));
  let body = '';
  // 256 is a multiple of 32, so taking the low 5 bits is unbiased.
  for (const byte of bytes) body += ALPHABET[byte & 31];
  return `${ID_PREFIXES[kind]}_${body}`;
}

/** True when `value` is a well-formed id of `kind` (cheap check before any database lookup). */
export function isId(kind: IdKind, value: string): boolean {
  const match = ID_PATTERN.exec(value);
  return match !== null && match[1] === ID_PREFIXES[kind];
}
