import { describe, expect, it } from 'vitest';
import { type AlertNotice, alertLink, describeCondition, formatLocalTime } from './alert-notice.js';
import { renderAlertEmail } from './email.js';
import { renderInApp } from './in-app.js';
import { gsm7Length, renderAlertSms, SMS_MAX_SEPTETS, toGsm7 } from './sms.js';
import { webhookEvent } from './webhook-event.js';

const notice: AlertNotice = {
  alertId: 'alr_0123456789abcdefghjk',
  kind: 'excursion',
  severity: 'critical',
  title: 'Vaccine fridge above 8 °C for 15 min',
  deviceName: 'Vaccine fridge <2>',
  facilityName: 'Pharmacy Leeds',
  timeZone: 'Europe/Berlin',
  metric: 'temperature',
  unit: '°C',
  value: 9.1234,
  threshold: 'above 8 °C',
  startedAtMs: Date.parse('2026-11-23T09:05:00Z'),
  dataGap: false,
  retrospective: false,
  link: alertLink('https://app.example.com/', 'alr_0123456789abcdefghjk'),
  tier: 1,
  repeat: 0,
};

describe('alert wording', () => {
  it('links to the alert page in the dashboard', () => {
    expect(notice.link).toBe('https://app.example.com/alerts/alr_0123456789abcdefghjk');
  });
  it('describes each rule condition with the unit', () => {
    expect(describeCondition({ kind: 'above', threshold: 8 }, '°C')).toBe('above 8 °C');
    expect(describeCondition({ kind: 'below', threshold: -15 }, '°C')).toBe('below -15 °C');
    expect(describeCondition({ kind: 'outside', low: 2, high: 8 }, '°C')).toBe('outside 2–8 °C');
    expect(describeCondition({ kind: 'door_open' }, 'open')).toBe('door open');
    expect(describeCondition(null, '°C')).toBeNull();
    expect(describeCondition({ kind: 'above' }, '°C')).toBeNull();
  });
  it('gives times on the facility wall clock, falling back to UTC for an unknown zone', () => {
    expect(formatLocalTime(notice.startedAtMs, 'Europe/Berlin')).toBe('23 Nov 2026, 10:05 CET');
    expect(formatLocalTime(notice.startedAtMs, 'Not/AZone')).toBe('23 Nov 2026, 09:05 UTC');
  });
});

describe('email', () => {
  const email = renderAlertEmail(notice);
  it('says severity, device, facility, value and threshold in the subject', () => {
    expect(email.subject).toBe(
      '[CRITICAL] Vaccine fridge <2> (Pharmacy Leeds): temperature 9.12 °C (above 8 °C)',
    );
  });
  it('has the facts, the local start time and the deep link in text and HTML', () => {
    for (const body of [email.text, email.html]) {
      expect(body).toContain('10:05 CET');
      expect(body).toContain('above 8 °C');
      expect(body).toContain('temperature 9.12 °C');
      expect(body).toContain(notice.link);
    }
    expect(email.html).toContain(`href="${notice.link}"`);
  });
  it('escapes names in HTML, loads nothing from outside and fits a phone', () => {
    expect(email.html).toContain('Vaccine fridge &#60;2&#62;');
    expect(email.html).not.toContain('<2>');
    expect(email.html).not.toMatch(/<img|url\(|<link|<script/i);
    expect(email.html).toContain('width=device-width');
  });
  it('says so when the alert is escalated', () => {
    const later = renderAlertEmail({ ...notice, tier: 2 });
    expect(later.subject.startsWith('[CRITICAL · ESCALATED]')).toBe(true);
    expect(later.text).toContain('still not acknowledged');
  });
  it('words an offline alert without a threshold', () => {
    const offline = renderAlertEmail({
      ...notice,
      kind: 'offline',
      metric: null,
      unit: null,
      value: null,
      threshold: null,
      severity: 'warning',
    });
    expect(offline.subject).toBe(
      '[WARNING] Vaccine fridge <2> (Pharmacy Leeds): no data from the device',
    );
  });
});

describe('SMS', () => {
  it('is GSM-7 only, short, with the local time and the link', () => {
    const sms = renderAlertSms(notice);
    expect(toGsm7(sms)).toBe(sms);
    expect(sms).toBe(
      '[CRITICAL] Vaccine fridge <2> @ Pharmacy Leeds: temperature 9.12 deg C (above 8 deg C). Since 23 Nov 2026, 10:05 CET. https://app.example.com/alerts/alr_0123456789abcdefghjk',
    );
    expect(gsm7Length(sms)).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
  });
  it('shortens long names but always keeps the whole link', () => {
    const sms = renderAlertSms({
      ...notice,
      deviceName: 'Ü'.repeat(300),
      facilityName: '冷蔵庫'.repeat(50),
      tier: 3,
    });
    expect(gsm7Length(sms)).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
    expect(sms.endsWith(notice.link)).toBe(true);
    expect(toGsm7(sms)).toBe(sms);
  });
});

describe('webhook event and in-app entry', () => {
  it('carries the delivery id as event id and the alert with its link', () => {
    const event = webhookEvent('dlv_1', notice, Date.parse('2026-11-23T09:21:00Z'));
    expect(event).toMatchObject({
      id: 'dlv_1',
      type: 'alert.notified',
      createdAt: '2026-11-23T09:21:00.000Z',
      data: {
        alert: { id: notice.alertId, severity: 'critical', value: 9.1234, url: notice.link },
        tier: 1,
      },
    });
    expect(webhookEvent('dlv_2', { ...notice, repeat: 1 }, 0).type).toBe('alert.escalated');
  });
  it('lists the alert in-app with place and value', () => {
    expect(renderInApp(notice)).toEqual({
      title: notice.title,
      body: 'Vaccine fridge <2> (Pharmacy Leeds): temperature 9.12 °C (above 8 °C)',
    });
  });
});
