/** Methods QStash delivers with (`Upstash-Method`). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Headers as QStash reports them: canonical names, each with its values. */
export type HeaderMap = Record<string, string[]>;

/** Node's incoming headers (lower-case names). */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** A callback or failure callback: where, and the `Upstash-(Failure-)Callback-*` overrides. */
export type CallbackSpec = {
  url: string;
  headers: HeaderMap;
  method: HttpMethod | null;
  retries: number | null;
  timeoutMs: number | null;
  delayMs: number;
  retryDelay: string | null;
};

/** What to deliver and how; shared by one-off messages and schedules. */
export type DeliverySpec = {
  destination: string;
  method: HttpMethod;
  /** Sent to the destination: the `Upstash-Forward-*` headers (prefix stripped) and Content-Type. */
  headers: HeaderMap;
  body: Buffer;
  maxRetries: number;
  timeoutMs: number | null;
  retryDelay: string | null;
  callback: CallbackSpec | null;
  failureCallback: CallbackSpec | null;
  label: string | null;
  callerIp: string | null;
};

/** A message about to be stored. */
export type NewMessage = DeliverySpec & {
  id: string;
  /** Epoch ms before which it is not delivered. */
  notBefore: number;
  createdAt: number;
  scheduleId: string | null;
  /** Explicit or content-based deduplication id, if any. */
  dedupId: string | null;
};

/** A pending message as stored, with its delivery progress. */
export type StoredMessage = NewMessage & {
  retried: number;
  dueAt: number;
};

/** A message claimed for one delivery attempt; the token proves the claim is still ours. */
export type ClaimedMessage = StoredMessage & { claimToken: string };

/** A message that exhausted its retries, with the last response it got. */
export type DlqEntry = StoredMessage & {
  dlqId: string;
  responseStatus: number | null;
  responseHeader: HeaderMap | null;
  responseBody: Buffer | null;
  dlqAt: number;
};

/** A cron schedule: a delivery spec republished at every tick. */
export type ScheduleSpec = DeliverySpec & {
  id: string;
  cron: string;
  delayMs: number;
  createdAt: number;
  nextRunAt: number;
};

export type StoredSchedule = ScheduleSpec & {
  isPaused: boolean;
  lastRunAt: number | null;
  lastMessageId: string | null;
};

/** Filters accepted by bulk cancel and the DLQ endpoints. */
export type Filter = {
  ids?: string[];
  messageId?: string;
  url?: string;
  label?: string;
  scheduleId?: string;
  fromDate?: number;
  toDate?: number;
  responseStatus?: number;
  callerIp?: string;
};
