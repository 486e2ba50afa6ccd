// Presentation of alert severities and statuses, shared by the overview and the alerts center.
// Plain strings (no @anythingiot/core import) so nothing server-side ships to the browser.

export type Severity = 'info' | 'warning' | 'critical';
export type AlertStatus = 'active' | 'acknowledged' | 'resolved';

/** Tremor colour per severity: critical red, warning amber, info blue. */
export const SEVERITY_COLOR = { critical: 'red', warning: 'amber', info: 'blue' } as const;

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

export const STATUS_COLOR = { active: 'red', acknowledged: 'amber', resolved: 'emerald' } as const;

export const STATUS_LABEL: Record<AlertStatus, string> = {
  active: 'Active',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

/** "door_left_open" → "Door left open". */
export function humanize(code: string): string {
  const words = code.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
