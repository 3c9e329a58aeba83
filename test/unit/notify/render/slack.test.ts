import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/notify/compose.js';
import { EVENT_TYPES, type EventType } from '../../../../src/notify/events.js';
import type { NotificationMessage } from '../../../../src/notify/message.js';
import { renderSlack, type SlackBlock } from '../../../../src/notify/render/slack.js';
import { AT, allSamples, hugeFailure, hugeSuccess, sample } from '../samples.js';

const OWNER = 'U012ABCDEF';
const compose = (type: EventType, locale: 'fr' | 'en' = 'fr', test = false) =>
  buildMessage(allSamples(test).find((e) => e.type === type)!, { locale, timeZone: 'Europe/Paris' });

const COLORS: Record<EventType, string> = {
  'token-expired': '#FFA500',
  'token-restored': '#2ECC71',
  'booking-success': '#2ECC71',
  'booking-failure': '#E74C3C',
  'daily-reminder': '#3498DB',
  'vacation-cancellation': '#3498DB',
  'channel-problem': '#F1C40F',
};

const CONTEXT = '<!date^1796108400^{date_short_pretty} {time}|2026-12-01T07:00:00.000Z> · oneflex-bot';

describe('renderSlack', () => {
  it('renders the token alert exactly: header, mention, orange attachment with text, fields, actions and time', () => {
    const text =
      'Depuis le mar. 1 déc. 2026 à 08:00 (Europe/Paris), le bot ne peut plus renouveler ses jetons OneFlex : aucune réservation ne sera faite tant qu’il n’en a pas de nouveaux. Pas besoin de le redémarrer : il les utilise dès qu’ils sont donnés.';
    const title = '🔑 Jetons OneFlex expirés : action requise';
    expect(renderSlack(compose('token-expired'), { ownerId: OWNER })).toEqual({
      text: `<@${OWNER}> ${title}\n${text}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title, emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: `<@${OWNER}>` } },
      ],
      attachments: [
        {
          color: '#FFA500',
          fallback: `${title}\n${text}`,
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text } },
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*Depuis*\nmar. 1 déc. 2026 à 08:00 (Europe/Paris)' },
                { type: 'mrkdwn', text: '*Cause*\nOneFlex a refusé le jeton de rafraîchissement' },
                { type: 'mrkdwn', text: '*Erreur*\nOneFlex refused the refresh token (HTTP 401)' },
                { type: 'mrkdwn', text: '*Incident*\nincident-1' },
              ],
            },
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: '*À faire*\n1. Reconnectez-vous à OneFlex dans votre navigateur et copiez les cookies access_token et refresh_token\n2. Dans le chat : /oneflex token\n3. Ou sur le serveur : oneflex-bot token set',
              },
            },
            { type: 'context', elements: [{ type: 'mrkdwn', text: CONTEXT }] },
          ],
        },
      ],
    });
  });

  it.each(EVENT_TYPES.flatMap((type) => (['fr', 'en'] as const).map((locale) => [type, locale] as const)))(
    'renders %s (%s): header, coloured attachment, one section per part',
    (type, locale) => {
      const message = compose(type, locale);
      const payload = renderSlack(message);
      expect(payload.text).toBe(`${message.title}\n${message.text}`);
      expect(payload.blocks).toEqual([{ type: 'header', text: { type: 'plain_text', text: message.title, emoji: true } }]);
      const [attachment] = payload.attachments;
      expect(attachment.color).toBe(COLORS[type]);
      const expected: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: message.text } }];
      if (message.fields.length) expected.push({ type: 'section', fields: message.fields.map((f) => ({ type: 'mrkdwn', text: `*${f.name}*\n${f.value}` })) });
      if (message.actions.length) {
        const heading = locale === 'fr' ? 'À faire' : 'What to do';
        expected.push({ type: 'section', text: { type: 'mrkdwn', text: `*${heading}*\n${message.actions.map((a, i) => `${i + 1}. ${a}`).join('\n')}` } });
      }
      expected.push({ type: 'context', elements: [{ type: 'mrkdwn', text: CONTEXT }] });
      expect(attachment.blocks).toEqual(expected);
    },
  );

  it.each(EVENT_TYPES.map((type) => [type, type === 'token-expired'] as const))('%s mentions the owner: %s', (type, mentions) => {
    const payload = renderSlack(compose(type), { ownerId: OWNER });
    const json = JSON.stringify(payload);
    expect(json.includes(`<@${OWNER}>`)).toBe(mentions);
    expect(payload.text.startsWith(`<@${OWNER}> `)).toBe(mentions);
  });

  it('keeps the test marker in the header and the notification text', () => {
    const payload = renderSlack(compose('daily-reminder', 'fr', true));
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { text: '🧪 [TEST] 📅 Votre bureau aujourd’hui' } });
    expect(payload.text.startsWith('🧪 [TEST] ')).toBe(true);
    expect(payload.text).toContain('Ceci est un message de test');
  });

  it('escapes &, < and > so event text cannot mention a channel or make a link', () => {
    const message = buildMessage(
      sample('daily-reminder', { date: '2026-12-01', bookings: [{ date: '2026-12-01', deskName: '<!channel> & <@U999|x>', spaceName: null, moments: [] }] }),
      { locale: 'en', timeZone: 'Europe/Paris' },
    );
    const payload = renderSlack(message);
    const json = JSON.stringify(payload);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U999');
    expect(payload.attachments[0].blocks[1]).toEqual({ type: 'section', fields: [{ type: 'mrkdwn', text: '*Desk*\n&lt;!channel&gt; &amp; &lt;@U999|x&gt;' }] });
    expect(payload.text).toContain('&lt;!channel&gt; &amp; &lt;@U999|x&gt;');
  });

  const hostile: NotificationMessage = {
    eventId: 'x',
    eventType: 'booking-failure',
    severity: 'critical',
    test: false,
    timestamp: AT,
    title: 'T'.repeat(1000),
    text: '<'.repeat(10_000),
    fields: Array.from({ length: 400 }, () => ({ name: '&'.repeat(800), value: '>'.repeat(5000) })),
    actions: Array.from({ length: 50 }, () => '&'.repeat(2000)),
    mentionOwner: true,
    footer: '<'.repeat(5000),
    locale: 'fr',
  };

  it.each([
    ['300 failed dates with 2000-character reasons', buildMessage(hugeFailure('&'), { locale: 'fr', timeZone: 'Europe/Paris' })],
    ['300 bookings on 500-character desk names', buildMessage(hugeSuccess('<'), { locale: 'en', timeZone: 'Europe/Paris' })],
    ['every part of the message over its limit', hostile],
  ])('respects the Block Kit limits with %s', (_name, message) => {
    const payload = renderSlack(message, { ownerId: OWNER });
    const blocks = [...payload.blocks, ...payload.attachments[0].blocks];
    expect(payload.text.length).toBeGreaterThan(0);
    expect(payload.text.length).toBeLessThanOrEqual(3000);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) {
      if (block.type === 'header') {
        expect(block.text.type).toBe('plain_text');
        expect(block.text.text.length).toBeLessThanOrEqual(150);
      } else if (block.type === 'section' && 'text' in block) {
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(3000);
      } else if (block.type === 'section') {
        expect(block.fields.length).toBeGreaterThan(0);
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      } else {
        for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(2000);
      }
    }
    // no escape sequence cut in half anywhere
    expect(JSON.stringify(payload)).not.toMatch(/&(a|am|l|g)?…/);
  });

  it('says how many failed dates were left out', () => {
    const payload = renderSlack(buildMessage(hugeFailure(), { locale: 'en', timeZone: 'Europe/Paris' }));
    const fields = payload.attachments[0].blocks.flatMap((b) => (b.type === 'section' && 'fields' in b ? b.fields : []));
    const shown = fields.length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(fields.at(-1)!.text).toBe(`*…*\n… and ${300 - shown} more`);
  });
});
