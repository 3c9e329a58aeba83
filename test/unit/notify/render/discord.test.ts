import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/notify/compose.js';
import { EVENT_TYPES, type EventType } from '../../../../src/notify/events.js';
import type { NotificationMessage } from '../../../../src/notify/message.js';
import { escapeDiscord, renderDiscord, type DiscordEmbed } from '../../../../src/notify/render/discord.js';
import { AT, allSamples, hugeFailure, hugeSuccess, sample } from '../samples.js';

const OWNER = '123456789012345678';
const compose = (type: EventType, locale: 'fr' | 'en' = 'fr', test = false) =>
  buildMessage(allSamples(test).find((e) => e.type === type)!, { locale, timeZone: 'Europe/Paris' });

const COLORS: Record<EventType, number> = {
  'token-expired': 16753920,
  'token-restored': 0x2ecc71,
  'booking-success': 0x2ecc71,
  'booking-failure': 0xe74c3c,
  'daily-reminder': 0x3498db,
  'vacation-cancellation': 0x3498db,
  'channel-problem': 0xf1c40f,
};

/** Counted by hand here, not with the renderer's own helper. */
function embedTotal(embed: DiscordEmbed): number {
  let n = embed.title.length + (embed.description ?? '').length + embed.footer.text.length;
  for (const f of embed.fields) n += f.name.length + f.value.length;
  return n;
}

describe('renderDiscord', () => {
  it('renders the token alert exactly: orange embed, every field, the actions, the owner pinged', () => {
    expect(renderDiscord(compose('token-expired'), { ownerId: OWNER })).toEqual({
      content: `<@${OWNER}>`,
      embeds: [
        {
          title: '🔑 Jetons OneFlex expirés : action requise',
          description:
            'Depuis le mar. 1 déc. 2026 à 08:00 (Europe/Paris), le bot ne peut plus renouveler ses jetons OneFlex : aucune réservation ne sera faite tant qu’il n’en a pas de nouveaux. Pas besoin de le redémarrer : il les utilise dès qu’ils sont donnés.',
          color: 16753920,
          fields: [
            { name: 'Depuis', value: 'mar. 1 déc. 2026 à 08:00 (Europe/Paris)', inline: true },
            { name: 'Cause', value: 'OneFlex a refusé le jeton de rafraîchissement', inline: true },
            { name: 'Erreur', value: 'OneFlex refused the refresh token (HTTP 401)', inline: false },
            { name: 'Incident', value: 'incident-1', inline: true },
            {
              name: 'À faire',
              value:
                '1. Reconnectez-vous à OneFlex dans votre navigateur et copiez les cookies access\\_token et refresh\\_token\n2. Dans le chat : /oneflex token\n3. Ou sur le serveur : oneflex-bot token set',
              inline: false,
            },
          ],
          timestamp: AT,
          footer: { text: 'oneflex-bot' },
        },
      ],
      allowed_mentions: { users: [OWNER] },
    });
  });

  it.each(EVENT_TYPES.flatMap((type) => (['fr', 'en'] as const).map((locale) => [type, locale] as const)))(
    'renders %s (%s) as one embed mirroring the message',
    (type, locale) => {
      const message = compose(type, locale);
      const actions = message.actions.length
        ? [{ name: locale === 'fr' ? 'À faire' : 'What to do', value: message.actions.map((a, i) => `${i + 1}. ${a}`).join('\n').replace(/_/g, '\\_'), inline: false }]
        : [];
      expect(renderDiscord(message).embeds).toEqual([
        {
          title: message.title,
          description: message.text,
          color: COLORS[type],
          fields: [...message.fields.map((f) => ({ name: f.name, value: f.value, inline: f.inline ?? false })), ...actions],
          timestamp: AT,
          footer: { text: 'oneflex-bot' },
        },
      ]);
    },
  );

  it('uses exactly 16753920 (orange) for the token alert', () => {
    expect(renderDiscord(compose('token-expired')).embeds[0].color).toBe(16753920);
  });

  it.each(EVENT_TYPES.map((type) => [type, type === 'token-expired'] as const))('%s pings the owner: %s', (type, pings) => {
    const payload = renderDiscord(compose(type), { ownerId: OWNER });
    if (pings) {
      expect(payload.content).toBe(`<@${OWNER}>`);
      expect(payload.allowed_mentions).toEqual({ users: [OWNER] });
    } else {
      expect(payload).not.toHaveProperty('content');
      expect(payload.allowed_mentions).toEqual({ parse: [] });
    }
  });

  it('pings nobody on a critical message when no owner is configured', () => {
    const payload = renderDiscord(compose('token-expired'));
    expect(payload).not.toHaveProperty('content');
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  it('keeps the test marker in the title', () => {
    expect(renderDiscord(compose('booking-failure', 'en', true)).embeds[0].title).toBe('🧪 [TEST] ❌ Could not book 1 day');
  });

  it.each([
    ['[click](http://evil.example) now', '\\[click\\](http://evil.example) now'],
    ['*bold* _it_ ~s~ `c` |x|', '\\*bold\\* \\_it\\_ \\~s\\~ \\`c\\` \\|x\\|'],
    ['<@123> <#456> a\\b', '\\<@123\\> \\<#456\\> a\\\\b'],
    ['# heading\n- item\n  -# sub', '\\# heading\n\\- item\n  \\-# sub'],
  ])('escapes Discord markdown in event text: %j', (raw, escaped) => {
    expect(escapeDiscord(raw)).toBe(escaped);
    const message = buildMessage(sample('daily-reminder', { date: '2026-12-01', bookings: [{ date: '2026-12-01', deskName: raw, spaceName: null, moments: [] }] }), {
      locale: 'en',
      timeZone: 'Europe/Paris',
    });
    expect(renderDiscord(message).embeds[0].fields[0]!.value).toBe(escaped);
  });

  const hostile: NotificationMessage = {
    eventId: 'x',
    eventType: 'channel-problem',
    severity: 'critical',
    test: true,
    timestamp: AT,
    title: 'T'.repeat(1000),
    text: '*'.repeat(10_000),
    fields: Array.from({ length: 40 }, () => ({ name: 'N'.repeat(500), value: '_'.repeat(3000) })),
    actions: Array.from({ length: 10 }, () => 'A'.repeat(2000)),
    mentionOwner: true,
    footer: 'F'.repeat(5000),
    locale: 'en',
  };

  it.each([
    ['300 failed dates with 2000-character reasons (fr)', buildMessage(hugeFailure(), { locale: 'fr', timeZone: 'Europe/Paris' })],
    ['300 failed dates whose reasons are all markdown (en)', buildMessage(hugeFailure('*'), { locale: 'en', timeZone: 'Europe/Paris' })],
    ['300 bookings on 500-character desk names (en)', buildMessage(hugeSuccess(), { locale: 'en', timeZone: 'Europe/Paris' })],
    ['every part of the message over its limit', hostile],
  ])('respects every embed limit with %s', (_name, message) => {
    const payload = renderDiscord(message, { ownerId: OWNER });
    expect(payload.embeds).toHaveLength(1);
    const embed = payload.embeds[0];
    expect(embed.title.length).toBeGreaterThan(0);
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(4096);
    expect(embed.fields.length).toBeLessThanOrEqual(25);
    for (const f of embed.fields) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(1024);
      // a cut never leaves a lone backslash escaping the ellipsis
      expect(f.value).not.toMatch(/(^|[^\\])(\\\\)*\\…$/);
    }
    expect(embed.footer.text.length).toBeLessThanOrEqual(2048);
    expect(embedTotal(embed)).toBeLessThanOrEqual(6000);
  });

  it.each([
    ['fr', '… et {n} de plus'],
    ['en', '… and {n} more'],
  ] as const)('says how many failed dates were left out (%s)', (locale, marker) => {
    const embed = renderDiscord(buildMessage(hugeFailure(), { locale, timeZone: 'Europe/Paris' })).embeds[0];
    const shown = embed.fields.length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(embed.fields.at(-1)).toEqual({ name: '…', value: marker.replace('{n}', String(300 - shown)), inline: false });
  });

  it('keeps the actions when the fields overflow', () => {
    const embed = renderDiscord(hostile).embeds[0];
    expect(embed.fields.at(-1)!.name).toBe('What to do');
    expect(embed.fields.at(-2)!.value).toMatch(/^… and \d+ more$/);
  });
});
