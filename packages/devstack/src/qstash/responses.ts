import { isUtf8 } from 'node:buffer';
import type { DlqEntry, StoredMessage, StoredSchedule } from './types.js';

/** A message as `GET /v2/messages/:id` returns it (and as `client.messages.get` reads it). */
export type MessageJson = {
  messageId: string;
  url: string;
  method: string;
  header: Record<string, string[]>;
  body?: string;
  bodyBase64?: string;
  maxRetries: number;
  notBefore: number;
  createdAt: number;
  callback?: string;
  failureCallback?: string;
  scheduleId?: string;
  callerIP?: string;
  label?: string;
  retryDelayExpression?: string;
};

/** A DLQ entry as `GET /v2/dlq` lists it (the shape `client.dlq.listMessages()` expects). */
export type DlqMessageJson = MessageJson & {
  dlqId: string;
  responseStatus?: number;
  responseHeader?: Record<string, string[]>;
  responseBody?: string;
  responseBodyBase64?: string;
};

// QStash reports a UTF-8 body as `body` and anything else base64-encoded as `bodyBase64`.
function bodyFields(body: Buffer, key: 'body' | 'responseBody') {
  if (body.length === 0) return {};
  return isUtf8(body)
    ? { [key]: body.toString('utf8') }
    : { [`${key}Base64`]: body.toString('base64') };
}

/** JSON for a pending message. */
export function messageJson(m: StoredMessage): MessageJson {
  return {
    messageId: m.id,
    url: m.destination,
    method: m.method,
    header: m.headers,
    ...bodyFields(m.body, 'body'),
    maxRetries: m.maxRetries,
    notBefore: m.notBefore,
    createdAt: m.createdAt,
    ...(m.callback ? { callback: m.callback.url } : {}),
    ...(m.failureCallback ? { failureCallback: m.failureCallback.url } : {}),
    ...(m.scheduleId === null ? {} : { scheduleId: m.scheduleId }),
    ...(m.callerIp === null ? {} : { callerIP: m.callerIp }),
    ...(m.label === null ? {} : { label: m.label }),
    ...(m.retryDelay === null ? {} : { retryDelayExpression: m.retryDelay }),
  };
}

/** JSON for a DLQ entry: the message plus the last response it got. */
export function dlqJson(e: DlqEntry): DlqMessageJson {
  return {
    ...messageJson(e),
    dlqId: e.dlqId,
    ...(e.responseStatus === null ? {} : { responseStatus: e.responseStatus }),
    ...(e.responseHeader === null ? {} : { responseHeader: e.responseHeader }),
    ...(e.responseBody === null ? {} : bodyFields(e.responseBody, 'responseBody')),
  };
}

/** JSON for a schedule, as `client.schedules.get/list` read it. */
export function scheduleJson(s: StoredSchedule) {
  return {
    scheduleId: s.id,
    cron: s.cron,
    createdAt: s.createdAt,
    destination: s.destination,
    method: s.method,
    header: s.headers,
    ...bodyFields(s.body, 'body'),
    retries: s.maxRetries,
    ...(s.delayMs > 0 ? { delay: Math.round(s.delayMs / 1000) } : {}),
    ...(s.callback ? { callback: s.callback.url } : {}),
    ...(s.failureCallback ? { failureCallback: s.failureCallback.url } : {}),
    ...(s.callerIp === null ? {} : { callerIp: s.callerIp }),
    isPaused: s.isPaused,
    ...(s.retryDelay === null ? {} : { retryDelayExpression: s.retryDelay }),
    ...(s.label === null ? {} : { label: s.label }),
    ...(s.lastRunAt === null ? {} : { lastScheduleTime: s.lastRunAt }),
    nextScheduleTime: s.nextRunAt,
  };
}
