import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/notify/compose.js';
import { EVENT_TYPES, type EventType } from '../../../../src/notify/events.js';
import { escapeHtml, renderEmail } from '../../../../src/notify/render/email.js';
import { allSamples, hugeFailure, sample } from '../samples.js';

const compose = (type: EventType, locale: 'fr' | 'en' = 'fr', test = false) =>
  buildMessage(allSamples(test).find((e) => e.type === type)!, { locale, timeZone: 'Europe/Paris' });

describe('renderEmail', () => {
  it('renders the channel problem exactly in plain text', () => {
    const mail = renderEmail(compose('channel-problem', 'en'));
    expect(mail.subject).toBe('⚠️ Notifications failing: Slack webhook 2');
    expect(mail.text).toBe(
      [
        '⚠️ Notifications failing: Slack webhook 2',
        '',
        'Notifications no longer arrive through this channel until the problem is fixed.',
        '',
        'Channel: Slack webhook 2',
        'Problem: HTTP 404 (channel not found)',
        '',
        'What to do:',
        '1. Create a new webhook and update NOTIFICATION_WEBHOOK_URL',
        '',
        '-- ',
        'oneflex-bot · 2026-12-01 07:00 UTC',
      ].join('\n'),
    );
  });

  it('renders HTML with the severity colour, a table of fields and the actions as a list', () => {
    const { html } = renderEmail(compose('token-expired', 'fr'));
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="fr">')).toBe(true);
    expect(html).toContain('border-left:6px solid #FFA500;');
    expect(html).toContain('<h2 style="margin:0 0 12px;font-size:20px;">🔑 Jetons OneFlex expirés : action requise</h2>');
    expect(html).toMatch(/<th [^>]*>Erreur<\/th><td [^>]*>OneFlex refused the refresh token \(HTTP 401\)<\/td>/);
    expect(html).toContain('<h3 style="margin:16px 0 6px;font-size:16px;">À faire</h3>');
    expect(html.match(/<li /g)).toHaveLength(3);
    expect(html).toContain('<li style="margin:0 0 4px;">Dans le chat : /oneflex token</li>');
    expect(html).toContain('oneflex-bot · 2026-12-01 07:00 UTC</p>');
  });

  it.each([
    ['token-expired', '[URGENT] 🔑 Jetons OneFlex expirés : action requise'],
    ['token-restored', '✅ Jetons OneFlex rétablis'],
    ['booking-failure', '❌ Réservation impossible pour 1 jour'],
  ] as const)('marks only critical subjects as urgent: %s', (type, subject) => {
    expect(renderEmail(compose(type)).subject).toBe(subject);
  });

  it('puts the test marker in the subject and says it is a test in both bodies', () => {
    const mail = renderEmail(compose('token-expired', 'en', true));
    expect(mail.subject).toBe('[URGENT] 🧪 [TEST] 🔑 OneFlex tokens expired: action needed');
    expect(mail.text).toContain('This is a test message sent by test-alert');
    expect(mail.html).toContain('This is a test message sent by test-alert');
  });

  it.each(EVENT_TYPES.flatMap((type) => (['fr', 'en'] as const).map((locale) => [type, locale] as const)))('renders %s (%s) with every field in both bodies', (type, locale) => {
    const message = compose(type, locale);
    const mail = renderEmail(message);
    expect(mail.subject).not.toMatch(/\n/);
    for (const f of message.fields) {
      expect(mail.text).toContain(`${f.name}: ${f.value}`);
      expect(mail.html).toContain(`>${escapeHtml(f.name)}</th>`);
      expect(mail.html).toContain(`>${escapeHtml(f.value)}</td>`);
    }
    for (const a of message.actions) expect(mail.html).toContain(`>${escapeHtml(a)}</li>`);
  });

  it('escapes desk names, errors and titles so they cannot add markup', () => {
    const desk = '<script>alert("x")</script> & <img src=x onerror=\'y\'>';
    const message = buildMessage(sample('daily-reminder', { date: '2026-12-01', bookings: [{ date: '2026-12-01', deskName: desk, spaceName: null, moments: [] }] }), {
      locale: 'en',
      timeZone: 'Europe/Paris',
    });
    const { html } = renderEmail(message);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=&#39;y&#39;&gt;');
  });

  it('keeps the subject on one line even when the event text has line breaks', () => {
    const message = buildMessage(sample('channel-problem', { channel: 'a\r\nBcc: x@example.com', problem: 'p', fix: 'f' }), { locale: 'en', timeZone: 'Europe/Paris' });
    expect(renderEmail(message).subject).toBe('⚠️ Notifications failing: a Bcc: x@example.com');
  });

  it('cuts a huge list and says how many rows were left out', () => {
    const mail = renderEmail(buildMessage(hugeFailure(), { locale: 'en', timeZone: 'Europe/Paris' }));
    expect(mail.html.match(/<tr>/g)).toHaveLength(200);
    expect(mail.text).toContain('…: … and 101 more');
  });
});
