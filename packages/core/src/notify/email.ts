import {
  type AlertNotice,
  describePlace,
  describeValue,
  formatLocalTime,
  severityTag,
} from './alert-notice.js';

export type RenderedEmail = { subject: string; html: string; text: string };

const SEVERITY_COLOUR = { info: '#2563eb', warning: '#b45309', critical: '#b91c1c' } as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The rows of facts every channel with room for them shows, in order. */
function facts(n: AlertNotice): [string, string][] {
  const rows: [string, string][] = [
    ['Device', n.deviceName],
    ['Facility', n.facilityName ?? '—'],
  ];
  const value = describeValue(n);
  if (value) rows.push(['Value', value]);
  if (n.threshold) rows.push(['Threshold', n.threshold]);
  rows.push(['Started', formatLocalTime(n.startedAtMs, n.timeZone)]);
  rows.push(['Severity', n.severity]);
  if (n.dataGap) rows.push(['Note', 'No data arrived during the alarm delay (data gap).']);
  if (n.retrospective) rows.push(['Note', 'Found in late (backfilled) data.']);
  return rows;
}

/**
 * The alert email. One column of simple tables with inline styles: mail clients ignore
 * stylesheets, and phones render a 100%-wide single column best. No images, so nothing is
 * fetched from outside and the message reads the same with images blocked.
 */
export function renderAlertEmail(n: AlertNotice): RenderedEmail {
  const value = describeValue(n);
  const what = [value, n.threshold ? `(${n.threshold})` : null].filter(Boolean).join(' ');
  const subject = `${severityTag(n)} ${describePlace(n)}${what ? `: ${what}` : `: ${n.title}`}`;
  const lead =
    n.tier > 1 || n.repeat > 0
      ? 'This alert is still not acknowledged.'
      : 'An alert needs your attention.';
  const rows = facts(n);

  const text = [
    subject,
    '',
    lead,
    n.title,
    '',
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    `Open the alert: ${n.link}`,
  ].join('\n');

  const colour = SEVERITY_COLOUR[n.severity];
  const cell = 'padding:6px 8px;border-bottom:1px solid #e5e7eb;font-size:15px;';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;">
<tr><td style="background:${colour};color:#ffffff;padding:14px 16px;font-size:18px;font-weight:bold;">${escapeHtml(severityTag(n))} ${escapeHtml(n.title)}</td></tr>
<tr><td style="padding:14px 16px;font-size:15px;">${escapeHtml(lead)}</td></tr>
<tr><td style="padding:0 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">
${rows.map(([k, v]) => `<tr><th align="left" style="${cell}color:#6b7280;font-weight:normal;width:35%;">${escapeHtml(k)}</th><td style="${cell}">${escapeHtml(v)}</td></tr>`).join('\n')}
</table></td></tr>
<tr><td style="padding:18px 16px;"><a href="${escapeHtml(n.link)}" style="display:inline-block;background:${colour};color:#ffffff;text-decoration:none;padding:12px 18px;border-radius:6px;font-size:16px;">Open the alert</a></td></tr>
<tr><td style="padding:0 16px 16px;font-size:13px;color:#6b7280;">Or paste this link: ${escapeHtml(n.link)}</td></tr>
</table></body></html>`;
  return { subject, html, text };
}
