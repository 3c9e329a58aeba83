/** Sample events for the notification tests: a fixed clock and fixed ids, so payloads are exact. */
import { addDays } from '../../../src/time.js';
import { createEvent, type BotEvent, type EventOf, type EventPayloads, type EventType } from '../../../src/notify/events.js';

/** 2026-12-01 is a Tuesday; 07:00 UTC is 08:00 in Paris. */
export const clock = { now: () => Date.parse('2026-12-01T07:00:00Z') };
export const AT = '2026-12-01T07:00:00.000Z';

export const SAMPLE_DATA: { readonly [K in EventType]: EventPayloads[K] } = {
  'token-expired': { error: 'OneFlex refused the refresh token (HTTP 401)', reason: 'refresh-refused', incidentId: 'incident-1' },
  'token-restored': { user: 'Ada Lovelace', incidentId: 'incident-1', downSince: '2026-11-30T18:45:00.000Z' },
  'booking-success': {
    bookings: [
      { date: '2026-12-03', deskName: 'Desk 14', spaceName: null, moments: ['MORNING'] },
      { date: '2026-12-01', deskName: 'Desk 12', spaceName: 'Floor 3', moments: ['MORNING', 'AFTERNOON'] },
    ],
  },
  'booking-failure': { failures: [{ date: '2026-12-02', code: 'unavailable', reason: 'all 3 candidate desks are taken' }] },
  'daily-reminder': { date: '2026-12-01', bookings: [{ date: '2026-12-01', deskName: 'Desk 12', spaceName: 'Floor 3', moments: ['MORNING', 'AFTERNOON'] }] },
  'vacation-cancellation': {
    cancelled: [
      { date: '2026-12-24', deskName: 'Desk 12', spaceName: 'Floor 3', moments: [] },
      { date: '2026-12-28', deskName: null, spaceName: null, moments: [] },
    ],
  },
  'channel-problem': { channel: 'Slack webhook 2', problem: 'HTTP 404 (channel not found)', fix: 'Create a new webhook and update NOTIFICATION_WEBHOOK_URL' },
};

export function sample<K extends EventType>(type: K, data: EventPayloads[K] = SAMPLE_DATA[type], test = false): EventOf<K> {
  return { ...createEvent(type, data, clock, test), id: `evt-${type}` };
}

export function allSamples(test = false): BotEvent[] {
  return (Object.keys(SAMPLE_DATA) as EventType[]).map((type) => sample(type, SAMPLE_DATA[type] as never, test));
}

/** 300 failed dates, each with a 2000-character reason. */
export function hugeFailure(reasonChar = 'x'): EventOf<'booking-failure'> {
  return sample('booking-failure', {
    failures: Array.from({ length: 300 }, (_, i) => ({ date: addDays('2026-12-01', i), code: 'unavailable', reason: reasonChar.repeat(2000) })),
  });
}

/** 300 bookings on desks and spaces whose names are 500 characters long. */
export function hugeSuccess(nameChar = 'D'): EventOf<'booking-success'> {
  return sample('booking-success', {
    bookings: Array.from({ length: 300 }, (_, i) => ({
      date: addDays('2026-12-01', i),
      deskName: nameChar.repeat(500),
      spaceName: 'S'.repeat(500),
      moments: ['MORNING', 'AFTERNOON'],
    })),
  });
}
