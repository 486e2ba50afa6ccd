import { newId } from './ids.js';
import type { CallbackSpec, HeaderMap, NewMessage, StoredMessage } from './types.js';

/** What the destination answered, or the error that stood in for an answer. */
export type AttemptResult =
  | { kind: 'response'; status: number; headers: HeaderMap; body: Buffer }
  | { kind: 'error'; error: string };

/**
 * The message QStash publishes to a callback (after each attempt) or failure callback (after the
 * last one, with `dlqId`): the response, base64-encoded, plus the source message, in the body shape
 * QStash documents. Network errors and timeouts have no response: status 0 and an empty body.
 */
export function callbackMessage(input: {
  source: StoredMessage;
  callback: CallbackSpec;
  result: AttemptResult;
  nowMs: number;
  dlqId?: string;
}): NewMessage {
  const { source, callback, result } = input;
  const response =
    result.kind === 'response' ? result : { status: 0, headers: {}, body: Buffer.alloc(0) };
  const payload = {
    status: response.status,
    header: response.headers,
    body: response.body.toString('base64'),
    retried: source.retried,
    maxRetries: source.maxRetries,
    ...(input.dlqId === undefined ? {} : { dlqId: input.dlqId }),
    sourceMessageId: source.id,
    url: source.destination,
    method: source.method,
    sourceHeader: source.headers,
    sourceBody: source.body.toString('base64'),
    // QStash sends these two as strings of epoch milliseconds.
    notBefore: String(source.notBefore),
    createdAt: String(source.createdAt),
    ...(source.scheduleId === null ? {} : { scheduleId: source.scheduleId }),
    ...(source.callerIp === null ? {} : { callerIP: source.callerIp }),
  };
  const headers: HeaderMap = { 'Content-Type': ['application/json'], ...callback.headers };
  return {
    destination: callback.url,
    method: callback.method ?? 'POST',
    headers,
    body: Buffer.from(JSON.stringify(payload)),
    // Callbacks use the source message's retry settings unless Upstash-(Failure-)Callback-* says otherwise.
    maxRetries: callback.retries ?? source.maxRetries,
    timeoutMs: callback.timeoutMs,
    retryDelay: callback.retryDelay,
    callback: null,
    failureCallback: null,
    label: null,
    callerIp: source.callerIp,
    id: newId('msg_'),
    notBefore: input.nowMs + callback.delayMs,
    createdAt: input.nowMs,
    scheduleId: null,
    dedupId: null,
  };
}
