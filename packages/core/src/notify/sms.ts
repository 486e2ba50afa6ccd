import { type AlertNotice, describeValue, formatLocalTime, severityTag } from './alert-notice.js';

// The GSM 03.38 basic alphabet and its extension table (an extension char costs two septets).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const REPLACEMENTS: Record<string, string> = {
  '°': ' deg ',
  '–': '-',
  '—': '-',
  '·': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
};

/** Two concatenated GSM-7 segments (153 septets each): short, but room for the link. */
export const SMS_MAX_SEPTETS = 306;

/**
 * Rewrites text into the GSM-7 alphabet. A single character outside it would switch the whole
 * message to UCS-2 and cut each segment from 160 to 70 characters, tripling the cost.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const char of text) {
    if (GSM_BASIC.includes(char) || GSM_EXTENDED.includes(char)) out += char;
    else out += REPLACEMENTS[char] ?? '?';
  }
  return out.replace(/ {2,}/g, ' ').replace(/ ([).,])/g, '$1');
}

/** Septets a GSM-7 text takes (extension characters take two). */
export function gsm7Length(text: string): number {
  let n = 0;
  for (const char of text) n += GSM_EXTENDED.includes(char) ? 2 : 1;
  return n;
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}.` : s);

/** The alert SMS: severity, where, what, since when (facility time), and the link. */
export function renderAlertSms(n: AlertNotice): string {
  const place = n.facilityName
    ? `${clip(n.deviceName, 40)} @ ${clip(n.facilityName, 40)}`
    : clip(n.deviceName, 60);
  const value = describeValue(n);
  const what = [value, n.threshold ? `(${n.threshold})` : null].filter(Boolean).join(' ');
  const since = formatLocalTime(n.startedAtMs, n.timeZone);
  const head = toGsm7(`${severityTag(n)} ${place}: ${what || clip(n.title, 80)}. Since ${since}.`);
  const link = toGsm7(n.link);
  // The link matters more than the head; shorten the head if both do not fit.
  const room = SMS_MAX_SEPTETS - gsm7Length(link) - 1;
  let shortHead = head;
  while (gsm7Length(shortHead) > room && shortHead.length > 0) shortHead = shortHead.slice(0, -1);
  return `${shortHead} ${link}`;
}
