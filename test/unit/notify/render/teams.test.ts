import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/notify/compose.js';
import { EVENT_TYPES, type EventType } from '../../../../src/notify/events.js';
import type { NotificationMessage } from '../../../../src/notify/message.js';
import { renderTeams } from '../../../../src/notify/render/teams.js';
import { AT, allSamples, hugeFailure, hugeSuccess } from '../samples.js';

const compose = (type: EventType, locale: 'fr' | 'en' = 'fr', test = false) =>
  buildMessage(allSamples(test).find((e) => e.type === type)!, { locale, timeZone: 'Europe/Paris' });

const COLORS: Record<EventType, string> = {
  'token-expired': 'Attention',
  'token-restored': 'Good',
  'booking-success': 'Good',
  'booking-failure': 'Attention',
  'daily-reminder': 'Accent',
  'vacation-cancellation': 'Accent',
  'channel-problem': 'Warning',
};

const FOOTER = 'oneflex-bot · {{DATE(2026-12-01T07:00:00Z, SHORT)}} {{TIME(2026-12-01T07:00:00Z)}}';

const bytes = (payload: unknown) => Buffer.byteLength(JSON.stringify(payload), 'utf8');

describe('renderTeams', () => {
  it('renders the token alert exactly as an Adaptive Card 1.4 message', () => {
    expect(renderTeams(compose('token-expired', 'en'))).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: '🔑 OneFlex tokens expired: action needed', weight: 'Bolder', size: 'Medium', color: 'Attention', wrap: true },
              {
                type: 'TextBlock',
                text: 'Since Tue, 1 Dec 2026 at 08:00 (Europe/Paris), the bot can no longer renew its OneFlex tokens: nothing will be booked until it gets new ones. No restart needed: it uses them as soon as they are given.',
                wrap: true,
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Since', value: 'Tue, 1 Dec 2026 at 08:00 (Europe/Paris)' },
                  { title: 'Cause', value: 'OneFlex refused the refresh token' },
                  { title: 'Error', value: 'OneFlex refused the refresh token (HTTP 401)' },
                  { title: 'Incident', value: 'incident-1' },
                ],
              },
              { type: 'TextBlock', text: 'What to do', weight: 'Bolder', wrap: true, spacing: 'Medium' },
              { type: 'TextBlock', text: '1. Sign in to OneFlex again in your browser and copy the access_token and refresh_token cookies', wrap: true, spacing: 'None' },
              { type: 'TextBlock', text: '2. In chat: /oneflex token', wrap: true, spacing: 'None' },
              { type: 'TextBlock', text: '3. Or on the server: oneflex-bot token set', wrap: true, spacing: 'None' },
              { type: 'TextBlock', text: FOOTER, size: 'Small', isSubtle: true, wrap: true },
            ],
            msteams: { width: 'Full' },
          },
        },
      ],
    });
  });

  it.each(EVENT_TYPES.flatMap((type) => (['fr', 'en'] as const).map((locale) => [type, locale] as const)))(
    'renders %s (%s): coloured title, text, facts, actions, footer',
    (type, locale) => {
      const message = compose(type, locale);
      const body = renderTeams(message).attachments[0].content.body;
      const expected: unknown[] = [
        { type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', color: COLORS[type], wrap: true },
        { type: 'TextBlock', text: message.text, wrap: true },
      ];
      if (message.fields.length) expected.push({ type: 'FactSet', facts: message.fields.map((f) => ({ title: f.name, value: f.value })) });
      if (message.actions.length) {
        expected.push({ type: 'TextBlock', text: locale === 'fr' ? 'À faire' : 'What to do', weight: 'Bolder', wrap: true, spacing: 'Medium' });
        message.actions.forEach((a, i) => expected.push({ type: 'TextBlock', text: `${i + 1}. ${a}`, wrap: true, spacing: 'None' }));
      }
      expected.push({ type: 'TextBlock', text: FOOTER, size: 'Small', isSubtle: true, wrap: true });
      expect(body).toEqual(expected);
    },
  );

  it('keeps the test marker in the title', () => {
    expect(renderTeams(compose('token-restored', 'en', true)).attachments[0].content.body[0]).toMatchObject({ text: '🧪 [TEST] ✅ OneFlex tokens restored' });
  });

  const hostile: NotificationMessage = {
    eventId: 'x',
    eventType: 'booking-failure',
    severity: 'error',
    test: false,
    timestamp: AT,
    title: '😀'.repeat(1000),
    text: '漢'.repeat(50_000),
    fields: Array.from({ length: 100 }, () => ({ name: '"'.repeat(500), value: '😀'.repeat(3000) })),
    actions: Array.from({ length: 20 }, () => '漢'.repeat(3000)),
    mentionOwner: false,
    footer: 'F'.repeat(5000),
  };

  it.each([
    ['300 failed dates with 2000-character reasons', buildMessage(hugeFailure(), { locale: 'fr', timeZone: 'Europe/Paris' })],
    ['300 failed dates with 3-byte characters', buildMessage(hugeFailure('漢'), { locale: 'fr', timeZone: 'Europe/Paris' })],
    ['300 bookings on 500-character desk names', buildMessage(hugeSuccess('é'), { locale: 'en', timeZone: 'Europe/Paris' })],
    ['every part of the message over its limit, in multi-byte characters', hostile],
  ])('stays under 28 KB with %s', (_name, message) => {
    const payload = renderTeams(message);
    expect(bytes(payload)).toBeLessThanOrEqual(28_000);
    expect(payload.attachments[0].content.body[0]).toMatchObject({ type: 'TextBlock', weight: 'Bolder' });
  });

  it('says how many failed dates were left out', () => {
    const body = renderTeams(buildMessage(hugeFailure(), { locale: 'fr', timeZone: 'Europe/Paris' })).attachments[0].content.body;
    const facts = body.flatMap((b) => (b.type === 'FactSet' ? b.facts : []));
    const shown = facts.length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(facts.at(-1)).toEqual({ title: '…', value: `… et ${300 - shown} de plus` });
  });
});
