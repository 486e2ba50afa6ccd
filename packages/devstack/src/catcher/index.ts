import { closeServer, listen, type RunningService } from '../net/listen.js';
import { createCatcherServer } from './server.js';
import { type CaughtMessage, createStore, type MessageFilter } from './store.js';

export type {
  CaughtAttachment,
  CaughtEmail,
  CaughtMessage,
  CaughtSms,
  CaughtWebhook,
  MessageFilter,
  MessageKind,
} from './store.js';
export { MAX_DELAY_MS } from './webhook-sink.js';

export type CatcherOptions = {
  /** Defaults to 127.0.0.1: the catcher has no auth of its own on the page and JSON API. */
  host?: string;
  /** 0 picks a free port (tests do this). */
  port: number;
  /** The only key POST /emails accepts, as Resend accepts only your account's keys. */
  resendApiKey: string;
  /** The Basic-auth password of the SMS API; without it every SMS request gets 401. */
  smsToken?: string;
};

/** A started catcher: `url` is what RESEND_BASE_URL (and the SMS base URL, plus `/sms`) use. */
export type RunningCatcher = RunningService & {
  /** What was caught, newest first. */
  messages(filter?: MessageFilter): CaughtMessage[];
  /** Forgets every message, idempotency key and webhook failure counter. */
  clear(): void;
};

/** Brackets an IPv6 literal and turns a wildcard bind address into one a client can dial. */
function dialHost(host: string) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the mail / SMS / webhook catcher; a taken port rejects with PortInUseError. */
export async function startCatcher({
  host = '127.0.0.1',
  port,
  resendApiKey,
  smsToken,
}: CatcherOptions): Promise<RunningCatcher> {
  if (!resendApiKey) throw new Error('catcher: resendApiKey must be a non-empty string.');
  if (smsToken === '') throw new Error('catcher: smsToken must be non-empty when given.');
  const store = createStore();
  const catcher = createCatcherServer({ resendApiKey, smsToken, store });
  const bound = await listen(catcher.server, { host, port, name: 'mail/SMS/webhook catcher' });
  return {
    url: `http://${dialHost(host)}:${bound}`,
    port: bound,
    messages: (filter) => store.list(filter),
    clear: () => catcher.clear(),
    close: () => {
      catcher.abortPending();
      return closeServer(catcher.server);
    },
  };
}
