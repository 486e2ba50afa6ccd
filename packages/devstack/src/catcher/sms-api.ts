import { randomBytes } from 'node:crypto';
import { type CatcherRequest, headerValue, json, type Reply } from './http.js';
import { secureCompare } from './secure-compare.js';
import type { MessageStore } from './store.js';

/** Where the Twilio-style API is mounted; an SMS provider's base URL is `${catcher.url}/sms`. */
export const SMS_PREFIX = '/sms';

const API_VERSION = '2010-04-01';
const MESSAGES_PATH = /^\/sms\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_BODY_CHARS = 1_600;

// The GSM 03.38 alphabet: a message using only these fits 160 characters per segment.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

/** Whether a path belongs to the Twilio-style SMS API. */
export function isSmsPath(pathname: string): boolean {
  return pathname === SMS_PREFIX || pathname.startsWith(`${SMS_PREFIX}/`);
}

/** How many SMS segments a body takes: GSM-7 160/153 per segment, otherwise UCS-2 70/67. */
export function countSegments(body: string): number {
  let septets = 0;
  for (const char of body) {
    if (GSM_BASIC.includes(char)) septets += 1;
    else if (GSM_EXTENDED.includes(char)) septets += 2;
    else {
      // UCS-2 counts UTF-16 code units, so an emoji takes two.
      const units = body.length;
      return units <= 70 ? 1 : Math.ceil(units / 67);
    }
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

/** Twilio's error body: a numeric code with a documentation link. */
function twilioError(status: number, code: number, message: string): Reply {
  return json(status, {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
}

/** RFC 2822 with a numeric zone, as Twilio prints dates. */
const twilioDate = (date: Date) => date.toUTCString().replace('GMT', '+0000');

function credentials(req: CatcherRequest): { user: string; password: string } | null {
  const header = headerValue(req.headers, 'authorization');
  const encoded = header ? /^Basic\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Handles POST /sms/2010-04-01/Accounts/:accountSid/Messages.json the way Twilio's Messages API
 * does. Without a token every request is refused: there is no unauthenticated mode.
 */
export function createSmsApi({ token, store }: { token: string | undefined; store: MessageStore }) {
  return function handleSms(req: CatcherRequest): Reply {
    const match = MESSAGES_PATH.exec(req.url.pathname);
    if (!match?.[1]) {
      return twilioError(404, 20404, `The requested resource ${req.url.pathname} was not found`);
    }
    const accountSid = match[1];

    const presented = credentials(req);
    const authentic =
      token !== undefined &&
      presented !== null &&
      // Evaluate both comparisons so a wrong account SID takes as long as a wrong token.
      [secureCompare(presented.user, accountSid), secureCompare(presented.password, token)].every(
        Boolean,
      );
    if (!authentic) {
      const reply = twilioError(401, 20003, 'Authenticate');
      reply.headers = { 'www-authenticate': 'Basic realm="Twilio API"' };
      if (token === undefined) {
        reply.headers['x-catcher-reason'] = 'catcher started without smsToken';
      }
      return reply;
    }
    if (req.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');

    // Twilio reads form fields only; a JSON body leaves every field missing, as it does there.
    const form = new URLSearchParams(req.body.toString('utf8'));
    const to = form.get('To')?.trim();
    const from = form.get('From')?.trim();
    const body = form.get('Body');
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body) return twilioError(400, 21602, 'Message body is required.');
    if ([...body].length > MAX_BODY_CHARS) {
      return twilioError(
        400,
        21617,
        `The concatenated message body exceeds the ${MAX_BODY_CHARS} character limit.`,
      );
    }

    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date();
    const numSegments = countSegments(body);
    store.add({
      id: sid,
      kind: 'sms',
      createdAt: now.toISOString(),
      payload: { accountSid, to, from, body, numSegments },
    });
    const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}`;
    return json(201, {
      account_sid: accountSid,
      api_version: API_VERSION,
      body,
      date_created: twilioDate(now),
      date_sent: null,
      date_updated: twilioDate(now),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: String(numSegments),
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: { media: `${uri}/Media.json` },
      to,
      uri: `${uri}.json`,
    });
  };
}
