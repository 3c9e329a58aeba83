import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/notify/compose.js';
import { EVENT_TYPES, type EventType } from '../../../../src/notify/events.js';
import { renderJson } from '../../../../src/notify/render/json.js';
import { AT, allSamples } from '../samples.js';

const compose = (type: EventType, locale: 'fr' | 'en' = 'fr', test = false) =>
  buildMessage(allSamples(test).find((e) => e.type === type)!, { locale, timeZone: 'Europe/Paris' });

describe('renderJson', () => {
  it('renders the token alert exactly, the actions as a last field', () => {
    expect(renderJson(compose('token-expired', 'en', true))).toEqual({
      id: 'evt-token-expired',
      event: 'token-expired',
      severity: 'critical',
      title: '🧪 [TEST] 🔑 OneFlex tokens expired: action needed',
      text: 'This is a test message sent by test-alert: nothing actually happened.\n\nSince Tue, 1 Dec 2026 at 08:00 (Europe/Paris), the bot can no longer renew its OneFlex tokens: nothing will be booked until it gets new ones. No restart needed: it uses them as soon as they are given.',
      fields: [
        { name: 'Since', value: 'Tue, 1 Dec 2026 at 08:00 (Europe/Paris)' },
        { name: 'Cause', value: 'OneFlex refused the refresh token' },
        { name: 'Error', value: 'OneFlex refused the refresh token (HTTP 401)' },
        { name: 'Incident', value: 'incident-1' },
        {
          name: 'What to do',
          value: '1. Sign in to OneFlex again in your browser and copy the access_token and refresh_token cookies\n2. In chat: /oneflex token\n3. Or on the server: oneflex-bot token set',
        },
      ],
      timestamp: AT,
      test: true,
    });
  });

  it.each(EVENT_TYPES.flatMap((type) => (['fr', 'en'] as const).map((locale) => [type, locale] as const)))('renders %s (%s) with exactly the documented keys', (type, locale) => {
    const message = compose(type, locale);
    const payload = renderJson(message);
    expect(Object.keys(payload).sort()).toEqual(['event', 'fields', 'id', 'severity', 'test', 'text', 'timestamp', 'title']);
    expect(payload).toMatchObject({ id: `evt-${type}`, event: type, severity: message.severity, title: message.title, text: message.text, timestamp: AT, test: false });
    expect(payload.fields.slice(0, message.fields.length)).toEqual(message.fields.map((f) => ({ name: f.name, value: f.value })));
    expect(payload.fields).toHaveLength(message.fields.length + (message.actions.length ? 1 : 0));
  });
});
