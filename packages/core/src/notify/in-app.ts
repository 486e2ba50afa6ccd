import { type AlertNotice, describePlace, describeValue } from './alert-notice.js';

/** The in-app list entry: the alert's title, and where and what in one line. */
export function renderInApp(n: AlertNotice): { title: string; body: string } {
  const what = [describeValue(n), n.threshold ? `(${n.threshold})` : null]
    .filter(Boolean)
    .join(' ');
  return { title: n.title, body: what ? `${describePlace(n)}: ${what}` : describePlace(n) };
}
