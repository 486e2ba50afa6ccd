/** An attachment as caught: its metadata only, the content is dropped to keep memory bounded. */
export type CaughtAttachment = {
  filename: string | null;
  contentType: string | null;
  contentId: string | null;
  /** Remote attachments (`path`) are not fetched, so they have no size. */
  path: string | null;
  size: number | null;
};

/** An email as Resend accepted it, addresses kept exactly as sent. */
export type CaughtEmail = {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  attachments: CaughtAttachment[];
  scheduledAt: string | null;
  topicId: string | null;
};

/** An SMS as the Twilio-style endpoint accepted it. */
export type CaughtSms = {
  accountSid: string;
  to: string;
  from: string;
  body: string;
  numSegments: number;
};

/** One request to a webhook receiver, with the exact bytes a signature check needs. */
export type CaughtWebhook = {
  name: string;
  method: string;
  /** Path and query string as requested. */
  path: string;
  headers: Record<string, string | string[]>;
  /** The raw body: UTF-8 text when it decodes cleanly, base64 otherwise. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** The status the catcher answered (200, or the simulated failure). */
  status: number;
  delayMs: number;
};

type Caught<K extends string, P> = { id: string; kind: K; createdAt: string; payload: P };

/** Anything the catcher received. */
export type CaughtMessage =
  | Caught<'email', CaughtEmail>
  | Caught<'sms', CaughtSms>
  | Caught<'webhook', CaughtWebhook>;

export type MessageKind = CaughtMessage['kind'];

export const MESSAGE_KINDS: readonly MessageKind[] = ['email', 'sms', 'webhook'];

/**
 * `to` matches an email recipient (to, cc or bcc, compared on the bare address, case-insensitive)
 * or an SMS number (compared on its digits); `name` matches a webhook receiver.
 */
export type MessageFilter = { kind?: MessageKind; to?: string; name?: string };

export type MessageStore = {
  add(message: CaughtMessage): void;
  /** Newest first. */
  list(filter?: MessageFilter): CaughtMessage[];
  get(id: string): CaughtMessage | undefined;
  clear(): void;
};

/** `Ada <ada@example.com>` → `ada@example.com`, lower-cased for comparison. */
export function bareAddress(address: string): string {
  const angled = /<([^<>]+)>\s*$/.exec(address);
  return (angled?.[1] ?? address).trim().toLowerCase();
}

function matches(message: CaughtMessage, filter: MessageFilter) {
  if (filter.kind && message.kind !== filter.kind) return false;
  if (filter.name !== undefined) {
    if (message.kind !== 'webhook' || message.payload.name !== filter.name) return false;
  }
  if (filter.to !== undefined) {
    const wanted = bareAddress(filter.to);
    if (message.kind === 'email') {
      const { to, cc, bcc } = message.payload;
      if (![...to, ...cc, ...bcc].some((address) => bareAddress(address) === wanted)) return false;
    } else if (message.kind === 'sms') {
      // Digits only: a `+` in an unencoded query string arrives as a space.
      const digits = (number: string) => number.replace(/\D/g, '');
      if (digits(message.payload.to) !== digits(filter.to)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** An in-memory list of caught messages that forgets the oldest beyond `capacity`. */
export function createStore({ capacity = 5_000 }: { capacity?: number } = {}): MessageStore {
  // Newest first, so listing needs no sort and eviction is a pop.
  let messages: CaughtMessage[] = [];
  const byId = new Map<string, CaughtMessage>();
  return {
    add(message) {
      messages.unshift(message);
      byId.set(message.id, message);
      while (messages.length > capacity) {
        const evicted = messages.pop();
        if (evicted) byId.delete(evicted.id);
      }
    },
    list(filter = {}) {
      return messages.filter((message) => matches(message, filter));
    },
    get(id) {
      return byId.get(id);
    },
    clear() {
      messages = [];
      byId.clear();
    },
  };
}
