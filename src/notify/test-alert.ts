/**
 * Test alerts: a realistic sample of an event, marked as a test, sent at once to every configured
 * channel, with a per-channel report. Used by `oneflex-bot test-alert` and `/oneflex test-alert`.
 */
import { randomUUID } from 'node:crypto';
import { UserFacingError } from '../errors.js';
import { addDays, calendarDate, type Clock } from '../time.js';
import type { TestSendReport } from './dispatcher.js';
import { createEvent, type BotEvent } from './events.js';

export const TEST_ALERT_TYPES = ['token-expired', 'booking-success', 'booking-failure', 'daily-reminder'] as const;
export type TestAlertType = (typeof TEST_ALERT_TYPES)[number];

export function parseTestAlertType(value: unknown): TestAlertType {
  const text = String(value ?? '').trim() || 'token-expired';
  if (!(TEST_ALERT_TYPES as readonly string[]).includes(text)) {
    throw new UserFacingError('bad_alert_type', `'${text}' is not an alert type: use one of ${TEST_ALERT_TYPES.join(', ')}, for example booking-failure`);
  }
  return text as TestAlertType;
}

/** A sample that looks like the real thing: next office days, a plausible desk, a real-looking error. */
export function sampleEvent(type: TestAlertType, clock: Clock, timeZone: string): BotEvent {
  const today = calendarDate(clock.now(), timeZone);
  const day = (n: number) => addDays(today, n);
  const desk = (date: string, name: string) => ({ date, deskName: name, spaceName: 'Open space 3F', moments: ['MORNING', 'AFTERNOON'] });
  switch (type) {
    case 'token-expired':
      return createEvent(
        'token-expired',
        { error: 'OneFlex refused the refresh token (HTTP 401 invalid_grant): the SSO session has ended', reason: 'refresh-refused', incidentId: `test-${randomUUID()}` },
        clock,
        true,
      );
    case 'booking-success':
      return createEvent('booking-success', { bookings: [desk(day(28), '3F-12'), desk(day(29), '3F-14')] }, clock, true);
    case 'booking-failure':
      return createEvent(
        'booking-failure',
        { failures: [{ date: day(28), code: 'desk_unavailable', reason: 'every desk tried is taken (3F-12, 3F-14)' }] },
        clock,
        true,
      );
    case 'daily-reminder':
      return createEvent('daily-reminder', { date: today, bookings: [desk(today, '3F-12')] }, clock, true);
  }
}

/** Sends a sample to every channel; `reports` is empty when no channel is configured. */
export interface TestAlertResult {
  readonly type: TestAlertType;
  readonly reports: readonly TestSendReport[];
}

export async function runTestAlert(
  target: { sendNow(event: BotEvent): Promise<TestSendReport[]> },
  type: TestAlertType,
  clock: Clock,
  timeZone: string,
): Promise<TestAlertResult> {
  return { type, reports: await target.sendNow(sampleEvent(type, clock, timeZone)) };
}
