// The alert page's timeline in words: who acted (a member, an API key, a device or the system)
// and what each entry adds beyond its type.

import type { Actor } from '@anythingiot/core';
import type { AlertEvent } from '@anythingiot/db';
import { humanize } from '~/ui/alerts';
import { formatDateTime } from '~/ui/time';

const SYSTEM_NAMES: Record<string, string> = {
  'alert-evaluator': 'AnythingIoT (rule evaluation)',
  escalation: 'AnythingIoT (notifications)',
};

/** "Jane Doe", "API key “CI export”", "AnythingIoT (rule evaluation)". */
export function actorLabel(actor: Actor | null, names: Map<string, string>): string {
  if (!actor) return 'AnythingIoT';
  const name = names.get(`${actor.type}:${actor.id}`);
  switch (actor.type) {
    case 'user':
      return name ?? 'A former member';
    case 'apiKey':
      return name ? `API key “${name}”` : 'An API key';
    case 'device':
      return name ?? 'A device';
    default:
      return SYSTEM_NAMES[actor.id] ?? 'AnythingIoT';
  }
}

export const EVENT_LABEL: Record<string, string> = {
  raised: 'Alert raised',
  notified: 'People notified',
  escalated: 'Escalated',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  condition_cleared: 'Condition cleared',
  merged: 'Merged into a longer excursion',
  disqualified: 'Later data showed it was too short',
};

/** What a timeline entry adds beyond its type: the comment, the reason, the tier. */
export function eventNote(e: AlertEvent, timeZone: string): string | null {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  const at = (v: unknown) => (typeof v === 'string' ? formatDateTime(v, timeZone) : null);
  switch (e.type) {
    case 'raised':
      return [
        d.retrospective ? 'found in late data' : null,
        d.dataGap ? 'raised on missing data' : null,
      ]
        .filter(Boolean)
        .join(', ');
    case 'acknowledged':
      return [typeof d.reasonCode === 'string' ? humanize(d.reasonCode) : null, d.comment]
        .filter((v): v is string => typeof v === 'string' && v !== '')
        .join(' — ');
    case 'resolved':
      return typeof d.resolution === 'string' ? humanize(d.resolution) : null;
    case 'condition_cleared':
      return at(d.endedAt) ? `ended ${at(d.endedAt)}` : null;
    case 'notified':
    case 'escalated':
      return typeof d.tier === 'number' ? `tier ${d.tier}` : null;
    default:
      return null;
  }
}
