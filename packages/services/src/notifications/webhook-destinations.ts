import {
  DomainError,
  isBlockedAddress,
  judgeWebhookDestination,
  STRICT_WEBHOOK_RULES,
  type WebhookDestinationRules,
  type WebhookDestinationVerdict,
} from '@anythingiot/core';

/**
 * Where webhooks may point (core's rules) and, where the runtime can, how to resolve a host
 * name first. Workers have no DNS API (`node:dns` is not available there), so names are
 * resolved only through DNS-over-HTTPS when configured (`dohResolver`); without it, literal
 * addresses and well-known internal names are refused and any other name is trusted.
 */
export type WebhookDestinations = WebhookDestinationRules & {
  /** The host's A and AAAA addresses; absent: names are judged by their text only. */
  resolve?(host: string): Promise<readonly string[]>;
};

/** No exemptions and no resolver: what applies when a caller configured nothing. */
export const STRICT_WEBHOOK_DESTINATIONS: WebhookDestinations = STRICT_WEBHOOK_RULES;

/** The name could not be resolved (the resolver failed): retry later, never send blind. */
export class UnresolvedDestination extends Error {
  constructor() {
    super('Could not resolve the webhook receiver’s name.');
    this.name = 'UnresolvedDestination';
  }
}

/**
 * Judges a webhook URL: its text by core's rules, then — for a host name, where a resolver is
 * configured — every address it resolves to. One private answer refuses it (a name that
 * resolves to 127.0.0.1 is loopback however public it looks). Throws `UnresolvedDestination`
 * when the resolver fails.
 */
export async function checkWebhookDestination(
  url: string,
  destinations: WebhookDestinations = STRICT_WEBHOOK_DESTINATIONS,
): Promise<WebhookDestinationVerdict> {
  const verdict = judgeWebhookDestination(url, destinations);
  if (!verdict.ok || verdict.allowlisted || verdict.name === null || !destinations.resolve) {
    return verdict;
  }
  let addresses: readonly string[];
  try {
    addresses = await destinations.resolve(verdict.name);
  } catch {
    throw new UnresolvedDestination();
  }
  return addresses.some(isBlockedAddress) ? { ok: false, reason: 'private_address' } : verdict;
}

/** The registration-time refusal: a field error on `url`, in fixed words. */
export const destinationRefused = (message: string) =>
  new DomainError('VALIDATION', 'The request has invalid fields.', {
    errors: [{ path: 'url', message }],
  });
