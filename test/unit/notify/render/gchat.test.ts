import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/notify/compose.js';
import { EVENT_TYPES, type EventType } from '../../../../src/notify/events.js';
import type { NotificationMessage } from '../../../../src/notify/message.js';
import { renderGoogleChat, type GoogleChatSection } from '../../../../src/notify/render/gchat.js';
import { AT, allSamples, hugeFailure, sample } from '../samples.js';

const compose = (type: EventType, locale: 'fr' | 'en' = 'fr', test = false) =>
  buildMessage(allSamples(test).find((e) => e.type === type)!, { locale, timeZone: 'Europe/Paris' });

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '<br>');

describe('renderGoogleChat', () => {
  it('renders the channel problem exactly: text line and one card', () => {
    expect(renderGoogleChat(compose('channel-problem', 'en'))).toEqual({
      text: '⚠️ Notifications failing: Slack webhook 2',
      cardsV2: [
        {
          cardId: 'oneflex-bot-evt-channel-problem',
          card: {
            header: { title: '⚠️ Notifications failing: Slack webhook 2', subtitle: 'oneflex-bot · 2026-12-01 07:00 UTC' },
            sections: [
              { widgets: [{ textParagraph: { text: 'Notifications no longer arrive through this channel until the problem is fixed.' } }] },
              {
                widgets: [
                  { decoratedText: { topLabel: 'Channel', text: 'Slack webhook 2', wrapText: true } },
                  { decoratedText: { topLabel: 'Problem', text: 'HTTP 404 (channel not found)', wrapText: true } },
                ],
              },
              { header: 'What to do', widgets: [{ textParagraph: { text: '1. Create a new webhook and update NOTIFICATION_WEBHOOK_URL' } }] },
            ],
          },
        },
      ],
    });
  });

  it.each(EVENT_TYPES.flatMap((type) => (['fr', 'en'] as const).map((locale) => [type, locale] as const)))('renders %s (%s) as text plus a card', (type, locale) => {
    const message = compose(type, locale);
    const payload = renderGoogleChat(message);
    expect(payload.text).toBe(message.title);
    expect(payload.cardsV2).toHaveLength(1);
    const { card } = payload.cardsV2[0];
    expect(card.header).toEqual({ title: message.title, subtitle: 'oneflex-bot · 2026-12-01 07:00 UTC' });
    const sections: GoogleChatSection[] = [{ widgets: [{ textParagraph: { text: html(message.text) } }] }];
    if (message.fields.length) sections.push({ widgets: message.fields.map((f) => ({ decoratedText: { topLabel: f.name, text: html(f.value), wrapText: true } })) });
    if (message.actions.length) {
      sections.push({ header: locale === 'fr' ? 'À faire' : 'What to do', widgets: [{ textParagraph: { text: message.actions.map((a, i) => `${i + 1}. ${a}`).join('<br>') } }] });
    }
    expect(card.sections).toEqual(sections);
  });

  it('keeps the test marker in the text line and the card title', () => {
    const payload = renderGoogleChat(compose('booking-success', 'en', true));
    expect(payload.text).toBe('🧪 [TEST] ✅ Desk booked for 2 days');
    expect(payload.cardsV2[0].card.header.title).toBe('🧪 [TEST] ✅ Desk booked for 2 days');
  });

  it('escapes HTML in card text and neutralizes <users/all> in the text line', () => {
    const message = buildMessage(sample('channel-problem', { channel: '<users/all>', problem: '<b>x</b> & "y"', fix: 'f' }), { locale: 'en', timeZone: 'Europe/Paris' });
    const payload = renderGoogleChat(message);
    expect(payload.text).toBe('⚠️ Notifications failing: ‹users/all›');
    expect(payload.cardsV2[0].card.sections[1]!.widgets[1]).toEqual({ decoratedText: { topLabel: 'Problem', text: '&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;', wrapText: true } });
    expect(JSON.stringify(payload.text)).not.toContain('<');
  });

  const hostile: NotificationMessage = {
    eventId: 'x',
    eventType: 'booking-failure',
    severity: 'error',
    test: false,
    timestamp: AT,
    title: 'T'.repeat(1000),
    text: '<'.repeat(50_000),
    fields: Array.from({ length: 100 }, () => ({ name: 'n', value: '😀'.repeat(3000) })),
    actions: Array.from({ length: 20 }, () => '&'.repeat(3000)),
    mentionOwner: false,
    footer: 'F'.repeat(5000),
  };

  it.each([
    ['300 failed dates with 2000-character reasons', buildMessage(hugeFailure('&'), { locale: 'fr', timeZone: 'Europe/Paris' })],
    ['every part of the message over its limit', hostile],
  ])('stays under 32,000 bytes with %s', (_name, message) => {
    const payload = renderGoogleChat(message);
    expect(Buffer.byteLength(JSON.stringify(payload), 'utf8')).toBeLessThanOrEqual(32_000);
    expect(JSON.stringify(payload)).not.toMatch(/&(a|am|l|g|q|qu|quo)?…/);
  });

  it('says how many failed dates were left out', () => {
    const widgets = renderGoogleChat(buildMessage(hugeFailure(), { locale: 'en', timeZone: 'Europe/Paris' })).cardsV2[0].card.sections[1]!.widgets;
    const shown = widgets.length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(widgets.at(-1)).toEqual({ decoratedText: { topLabel: '…', text: `… and ${300 - shown} more`, wrapText: true } });
  });
});
