import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/notify/compose.js';
import { EVENT_TYPES, type EventType } from '../../../../src/notify/events.js';
import { renderLine } from '../../../../src/notify/render/text.js';
import { allSamples, hugeFailure, sample } from '../samples.js';

const compose = (type: EventType, locale: 'fr' | 'en' = 'fr', test = false) =>
  buildMessage(allSamples(test).find((e) => e.type === type)!, { locale, timeZone: 'Europe/Paris' });

describe('renderLine', () => {
  it.each([
    [
      'booking-success',
      'en',
      '✅ Desk booked for 2 days — 2 new bookings, from Tue 1 Dec (2026-12-01) to Thu 3 Dec (2026-12-03). | Tue 1 Dec (2026-12-01): Desk 12 (Floor 3) · full day · Thu 3 Dec (2026-12-03): Desk 14 · morning',
    ],
    [
      'channel-problem',
      'fr',
      '⚠️ Notifications en panne : Slack webhook 2 — Les notifications n’arrivent plus par ce canal tant que le problème n’est pas corrigé. | Canal: Slack webhook 2 · Problème: HTTP 404 (channel not found) | → Create a new webhook and update NOTIFICATION_WEBHOOK_URL',
    ],
  ] as const)('renders %s (%s) as one exact line', (type, locale, line) => {
    expect(renderLine(compose(type, locale))).toBe(line);
  });

  it.each(EVENT_TYPES.flatMap((type) => (['fr', 'en'] as const).map((locale) => [type, locale] as const)))('renders %s (%s) on one line starting with the title', (type, locale) => {
    const message = compose(type, locale, true);
    const line = renderLine(message);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line.startsWith(`🧪 [TEST] ${compose(type, locale).title} — `)).toBe(true);
  });

  it('stays short with a huge list and says how many were left out', () => {
    const line = renderLine(buildMessage(hugeFailure(), { locale: 'en', timeZone: 'Europe/Paris' }));
    expect(line.length).toBeLessThanOrEqual(1000);
    expect(line).not.toMatch(/\n/);
  });

  it('cuts an over-long message to 1000 characters', () => {
    const message = { ...compose('channel-problem', 'en'), text: 'x'.repeat(5000) };
    const line = renderLine(message);
    expect(line).toHaveLength(1000);
    expect(line.endsWith('…')).toBe(true);
  });

  it('counts the fields left out', () => {
    const failures = Array.from({ length: 12 }, (_, i) => ({ date: `2026-12-${String(i + 1).padStart(2, '0')}`, code: 'c', reason: 'r' }));
    const line = renderLine(buildMessage(sample('booking-failure', { failures }), { locale: 'en', timeZone: 'Europe/Paris' }));
    expect(line.endsWith(' · … and 3 more')).toBe(true);
  });
});
