import { describe, expect, it } from 'vitest';
import { buildMessage, formatDate, formatDuration, formatInstant } from '../../../src/notify/compose.js';
import { EVENT_TYPES, type BotEvent } from '../../../src/notify/events.js';
import type { MessageField } from '../../../src/notify/message.js';
import { NOTIFY_TEXTS, notifyTranslator, pluralText } from '../../../src/notify/texts.js';
import { AT, allSamples, sample } from './samples.js';

const PARIS = { timeZone: 'Europe/Paris' };

interface Expected {
  readonly title: string;
  readonly text: string;
  readonly fields: readonly MessageField[];
  readonly actions: readonly string[];
}

const none = { fields: [], actions: [] } as const;

const FR: readonly (readonly [string, BotEvent, Expected])[] = [
  [
    'token-expired',
    sample('token-expired'),
    {
      title: '🔑 Jetons OneFlex expirés : action requise',
      text: 'Depuis le mar. 1 déc. 2026 à 08:00 (Europe/Paris), le bot ne peut plus renouveler ses jetons OneFlex : aucune réservation ne sera faite tant qu’il n’en a pas de nouveaux. Pas besoin de le redémarrer : il les utilise dès qu’ils sont donnés.',
      fields: [
        { name: 'Depuis', value: 'mar. 1 déc. 2026 à 08:00 (Europe/Paris)', inline: true },
        { name: 'Cause', value: 'OneFlex a refusé le jeton de rafraîchissement', inline: true },
        { name: 'Erreur', value: 'OneFlex refused the refresh token (HTTP 401)' },
        { name: 'Incident', value: 'incident-1', inline: true },
      ],
      actions: [
        'Reconnectez-vous à OneFlex dans votre navigateur et copiez les cookies access_token et refresh_token',
        'Dans le chat : /oneflex token',
        'Ou sur le serveur : oneflex-bot token set',
      ],
    },
  ],
  [
    'token-restored',
    sample('token-restored'),
    {
      title: '✅ Jetons OneFlex rétablis',
      text: 'Les jetons OneFlex fonctionnent de nouveau (Ada Lovelace) : les réservations reprennent. Ils étaient hors service depuis le lun. 30 nov. 2026 à 19:45 (Europe/Paris) : 12 h 15 min.',
      fields: [
        { name: 'Compte', value: 'Ada Lovelace', inline: true },
        { name: 'Hors service depuis', value: 'lun. 30 nov. 2026 à 19:45 (Europe/Paris)', inline: true },
        { name: 'Durée', value: '12 h 15 min', inline: true },
      ],
      actions: [],
    },
  ],
  [
    'token-restored without user nor start',
    sample('token-restored', { user: null, incidentId: null, downSince: null }),
    { title: '✅ Jetons OneFlex rétablis', text: 'Les jetons OneFlex fonctionnent de nouveau : les réservations reprennent.', ...none },
  ],
  [
    'booking-success (dates sorted)',
    sample('booking-success'),
    {
      title: '✅ Bureau réservé pour 2 jours',
      text: '2 nouvelles réservations, du mar. 1 déc. (2026-12-01) au jeu. 3 déc. (2026-12-03).',
      fields: [
        { name: 'mar. 1 déc. (2026-12-01)', value: 'Desk 12 (Floor 3) · journée entière', inline: true },
        { name: 'jeu. 3 déc. (2026-12-03)', value: 'Desk 14 · matin', inline: true },
      ],
      actions: [],
    },
  ],
  [
    'booking-failure, one date',
    sample('booking-failure'),
    {
      title: '❌ Réservation impossible pour 1 jour',
      text: 'Le bot n’a pas pu réserver le mer. 2 déc. (2026-12-02). Réservez à la main dans OneFlex si besoin.',
      fields: [{ name: 'mer. 2 déc. (2026-12-02)', value: 'all 3 candidate desks are taken (unavailable)' }],
      actions: [],
    },
  ],
  [
    'booking-failure, two dates',
    sample('booking-failure', {
      failures: [
        { date: '2026-12-04', code: 'a', reason: 'r1' },
        { date: '2026-12-02', code: 'timeout', reason: 'no answer within 15 s' },
      ],
    }),
    {
      title: '❌ Réservation impossible pour 2 jours',
      text: 'Le bot n’a pas pu réserver 2 jours, du mer. 2 déc. (2026-12-02) au ven. 4 déc. (2026-12-04). Réservez à la main dans OneFlex si besoin.',
      fields: [
        { name: 'mer. 2 déc. (2026-12-02)', value: 'OneFlex n’a pas répondu à temps (no answer within 15 s)' }, // a known code: the cause in French
        { name: 'ven. 4 déc. (2026-12-04)', value: 'r1 (a)' },
      ],
      actions: [],
    },
  ],
  [
    'daily-reminder',
    sample('daily-reminder'),
    {
      title: '📅 Votre bureau aujourd’hui',
      text: 'Réservé pour aujourd’hui, mar. 1 déc. (2026-12-01) : Desk 12 (Floor 3) · journée entière.',
      fields: [{ name: 'Bureau', value: 'Desk 12 (Floor 3) · journée entière', inline: true }],
      actions: [],
    },
  ],
  [
    'daily-reminder, nothing booked',
    sample('daily-reminder', { date: '2026-12-01', bookings: [] }),
    { title: '📅 Rien de réservé aujourd’hui', text: 'Aucune réservation OneFlex pour aujourd’hui, mar. 1 déc. (2026-12-01).', ...none },
  ],
  [
    'vacation-cancellation',
    sample('vacation-cancellation'),
    {
      title: '🏖️ 2 réservations annulées pendant vos vacances',
      text: 'Ces réservations tombaient pendant vos vacances : le bot les a annulées dans OneFlex.',
      fields: [
        { name: 'jeu. 24 déc. (2026-12-24)', value: 'Desk 12 (Floor 3)', inline: true },
        { name: 'lun. 28 déc. (2026-12-28)', value: 'sans bureau', inline: true },
      ],
      actions: [],
    },
  ],
  [
    'channel-problem',
    sample('channel-problem'),
    {
      title: '⚠️ Notifications en panne : Slack webhook 2',
      text: 'Les notifications n’arrivent plus par ce canal tant que le problème n’est pas corrigé.',
      fields: [
        { name: 'Canal', value: 'Slack webhook 2' },
        { name: 'Problème', value: 'HTTP 404 (channel not found)' },
      ],
      actions: ['Create a new webhook and update NOTIFICATION_WEBHOOK_URL'],
    },
  ],
];

const EN: readonly (readonly [string, BotEvent, Expected])[] = [
  [
    'token-expired',
    sample('token-expired'),
    {
      title: '🔑 OneFlex tokens expired: action needed',
      text: 'Since Tue, 1 Dec 2026 at 08:00 (Europe/Paris), the bot can no longer renew its OneFlex tokens: nothing will be booked until it gets new ones. No restart needed: it uses them as soon as they are given.',
      fields: [
        { name: 'Since', value: 'Tue, 1 Dec 2026 at 08:00 (Europe/Paris)', inline: true },
        { name: 'Cause', value: 'OneFlex refused the refresh token', inline: true },
        { name: 'Error', value: 'OneFlex refused the refresh token (HTTP 401)' },
        { name: 'Incident', value: 'incident-1', inline: true },
      ],
      actions: [
        'Sign in to OneFlex again in your browser and copy the access_token and refresh_token cookies',
        'In chat: /oneflex token',
        'Or on the server: oneflex-bot token set',
      ],
    },
  ],
  [
    'token-restored',
    sample('token-restored'),
    {
      title: '✅ OneFlex tokens restored',
      text: 'The OneFlex tokens work again (Ada Lovelace): booking resumes. They had been down since Mon, 30 Nov 2026 at 19:45 (Europe/Paris): 12 h 15 min.',
      fields: [
        { name: 'Account', value: 'Ada Lovelace', inline: true },
        { name: 'Down since', value: 'Mon, 30 Nov 2026 at 19:45 (Europe/Paris)', inline: true },
        { name: 'Duration', value: '12 h 15 min', inline: true },
      ],
      actions: [],
    },
  ],
  [
    'booking-success',
    sample('booking-success'),
    {
      title: '✅ Desk booked for 2 days',
      text: '2 new bookings, from Tue 1 Dec (2026-12-01) to Thu 3 Dec (2026-12-03).',
      fields: [
        { name: 'Tue 1 Dec (2026-12-01)', value: 'Desk 12 (Floor 3) · full day', inline: true },
        { name: 'Thu 3 Dec (2026-12-03)', value: 'Desk 14 · morning', inline: true },
      ],
      actions: [],
    },
  ],
  [
    'booking-failure',
    sample('booking-failure'),
    {
      title: '❌ Could not book 1 day',
      text: 'The bot could not book Wed 2 Dec (2026-12-02). Book it by hand in OneFlex if needed.',
      fields: [{ name: 'Wed 2 Dec (2026-12-02)', value: 'all 3 candidate desks are taken (unavailable)' }],
      actions: [],
    },
  ],
  [
    'daily-reminder',
    sample('daily-reminder'),
    {
      title: '📅 Your desk today',
      text: 'Booked for today, Tue 1 Dec (2026-12-01): Desk 12 (Floor 3) · full day.',
      fields: [{ name: 'Desk', value: 'Desk 12 (Floor 3) · full day', inline: true }],
      actions: [],
    },
  ],
  [
    'daily-reminder, nothing booked',
    sample('daily-reminder', { date: '2026-12-01', bookings: [] }),
    { title: '📅 Nothing booked today', text: 'No OneFlex booking for today, Tue 1 Dec (2026-12-01).', ...none },
  ],
  [
    'vacation-cancellation',
    sample('vacation-cancellation'),
    {
      title: '🏖️ 2 bookings cancelled during your vacation',
      text: 'These bookings fell during your vacation: the bot cancelled them in OneFlex.',
      fields: [
        { name: 'Thu 24 Dec (2026-12-24)', value: 'Desk 12 (Floor 3)', inline: true },
        { name: 'Mon 28 Dec (2026-12-28)', value: 'no desk', inline: true },
      ],
      actions: [],
    },
  ],
  [
    'channel-problem',
    sample('channel-problem'),
    {
      title: '⚠️ Notifications failing: Slack webhook 2',
      text: 'Notifications no longer arrive through this channel until the problem is fixed.',
      fields: [
        { name: 'Channel', value: 'Slack webhook 2' },
        { name: 'Problem', value: 'HTTP 404 (channel not found)' },
      ],
      actions: ['Create a new webhook and update NOTIFICATION_WEBHOOK_URL'],
    },
  ],
];

describe('buildMessage', () => {
  it.each(FR)('writes %s in French by default wording', (_name, event, expected) => {
    const message = buildMessage(event, { locale: 'fr', ...PARIS });
    expect({ title: message.title, text: message.text, fields: message.fields, actions: message.actions }).toEqual(expected);
  });

  it.each(EN)('writes %s in English with locale en', (_name, event, expected) => {
    const message = buildMessage(event, { locale: 'en', ...PARIS });
    expect({ title: message.title, text: message.text, fields: message.fields, actions: message.actions }).toEqual(expected);
  });

  it('carries the event identity, time, severity and locale, with the default footer', () => {
    const message = buildMessage(sample('booking-success'), { locale: 'en', ...PARIS });
    expect(message).toMatchObject({
      eventId: 'evt-booking-success',
      eventType: 'booking-success',
      severity: 'success',
      test: false,
      timestamp: AT,
      mentionOwner: false,
      footer: 'oneflex-bot',
      locale: 'en',
    });
  });

  it('uses the bot name as footer when given', () => {
    expect(buildMessage(sample('daily-reminder'), { locale: 'fr', ...PARIS, botName: 'desk-bot' }).footer).toBe('desk-bot');
  });

  it.each(EVENT_TYPES.map((type) => [type, type === 'token-expired'] as const))('%s mentions the owner: %s (only critical does)', (type, mentions) => {
    const event = allSamples().find((e) => e.type === type)!;
    expect(buildMessage(event, { locale: 'fr', ...PARIS }).mentionOwner).toBe(mentions);
  });

  it.each([
    ['fr', '🧪 [TEST] ', 'Ceci est un message de test envoyé par test-alert : rien ne s’est réellement passé.\n\n'],
    ['en', '🧪 [TEST] ', 'This is a test message sent by test-alert: nothing actually happened.\n\n'],
  ] as const)('marks every test event in %s: title prefix and a sentence saying it is a test', (locale, prefix, notice) => {
    for (const event of allSamples(true)) {
      const real = buildMessage({ ...event, test: false }, { locale, ...PARIS });
      const test = buildMessage(event, { locale, ...PARIS });
      expect(test.test).toBe(true);
      expect(test.title).toBe(`${prefix}${real.title}`);
      expect(test.text).toBe(`${notice}${real.text}`);
    }
  });

  it('gives the incident time in the bot time zone', () => {
    const message = buildMessage(sample('token-expired'), { locale: 'en', timeZone: 'America/New_York' });
    expect(message.fields[0]).toEqual({ name: 'Since', value: 'Tue, 1 Dec 2026 at 02:00 (America/New_York)', inline: true });
  });

  it('writes only what the event holds: every event string appears verbatim, nothing else from outside', () => {
    const event = sample('channel-problem', { channel: 'ch<1>', problem: 'p&2', fix: 'f"3' });
    const message = buildMessage(event, { locale: 'en', ...PARIS });
    expect(message.fields).toEqual([
      { name: 'Channel', value: 'ch<1>' },
      { name: 'Problem', value: 'p&2' },
    ]);
    expect(message.actions).toEqual(['f"3']);
  });
});

describe('formatting helpers', () => {
  it.each([
    ['2026-12-01', 'fr', 'mar. 1 déc. (2026-12-01)'],
    ['2026-12-01', 'en', 'Tue 1 Dec (2026-12-01)'],
    ['2027-01-31', 'fr', 'dim. 31 janv. (2027-01-31)'],
    ['not-a-date', 'en', 'not-a-date'],
  ] as const)('formatDate(%s, %s) is %s', (date, locale, expected) => {
    expect(formatDate(date, locale)).toBe(expected);
  });

  it.each([
    ['2026-03-29T00:30:00Z', 'Europe/Paris', 'dim. 29 mars 2026 à 01:30 (Europe/Paris)'],
    ['2026-03-29T01:30:00Z', 'Europe/Paris', 'dim. 29 mars 2026 à 03:30 (Europe/Paris)'],
    ['2026-12-01T23:30:00Z', 'Europe/Paris', 'mer. 2 déc. 2026 à 00:30 (Europe/Paris)'],
    ['garbage', 'Europe/Paris', 'garbage'],
  ])('formatInstant(%s, %s) is %s', (iso, zone, expected) => {
    expect(formatInstant(iso, 'fr', zone)).toBe(expected);
  });

  it.each([
    [59_000, 'en', '0 min'],
    [45 * 60_000, 'en', '45 min'],
    [(2 * 60 + 5) * 60_000, 'fr', '2 h 05 min'],
    [(3 * 24 + 4) * 3_600_000, 'fr', '3 j 4 h'],
    [(3 * 24 + 4) * 3_600_000, 'en', '3 d 4 h'],
    [-1, 'en', ''],
    [Number.NaN, 'en', ''],
  ] as const)('formatDuration(%s) in %s is "%s"', (ms, locale, expected) => {
    expect(formatDuration(ms, notifyTranslator(locale))).toBe(expected);
  });
});

describe('texts', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('has the same keys and the same placeholders in French and English, none empty', () => {
    expect(Object.keys(NOTIFY_TEXTS.en).sort()).toEqual(Object.keys(NOTIFY_TEXTS.fr).sort());
    for (const [key, fr] of Object.entries(NOTIFY_TEXTS.fr)) {
      const en = NOTIFY_TEXTS.en[key as keyof typeof NOTIFY_TEXTS.en];
      expect(fr.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(placeholders(en), key).toEqual(placeholders(fr));
    }
  });

  it.each([
    ['fr', 0, '✅ Bureau réservé pour 0 jour'],
    ['fr', 1, '✅ Bureau réservé pour 1 jour'],
    ['fr', 2, '✅ Bureau réservé pour 2 jours'],
    ['en', 1, '✅ Desk booked for 1 day'],
    ['en', 0, '✅ Desk booked for 0 days'],
    ['en', 2, '✅ Desk booked for 2 days'],
  ] as const)('pluralText in %s for %i is "%s"', (locale, n, expected) => {
    expect(pluralText(locale, 'booking-success.title', n)).toBe(expected);
  });

  it('never substitutes inside a substituted value', () => {
    expect(notifyTranslator('en')('channel-problem.title', { channel: '{channel}' })).toBe('⚠️ Notifications failing: {channel}');
  });
});
