import { describe, expect, it } from 'vitest';
import { loadHolidayCalendar, noHolidays } from '../../../src/booking/holidays.js';
import { bookingOrder, planDates, type PlanInput } from '../../../src/booking/plan.js';
import { nextInstant } from '../../../src/schedule/scheduler.js';
import { calendarDate, zonedInstant } from '../../../src/time.js';

const base: PlanInput = {
  today: '2026-11-24', // a Tuesday
  mode: { kind: 'recurring', weeks: 4 },
  daysOfWeek: [1, 2, 3, 4, 5],
  windowDays: 28,
  vacations: [],
  holidays: noHolidays,
  cancelledByUser: new Set(),
};

const booked = (input: PlanInput) => planDates(input).filter((p) => p.action === 'book').map((p) => p.date);

describe('planDates', () => {
  it('plans every office day of the next 4 weeks: 20 weekdays, up to the date that opens today', () => {
    const dates = booked(base);
    expect(dates).toHaveLength(20);
    expect(dates[0]).toBe('2026-11-25');
    expect(dates.at(-1)).toBe('2026-12-22');
    expect(dates).not.toContain('2026-11-28'); // Saturday
  });

  it('keeps only the configured weekdays', () => {
    const dates = booked({ ...base, daysOfWeek: [1, 4] });
    expect(dates).toEqual(['2026-11-26', '2026-11-30', '2026-12-03', '2026-12-07', '2026-12-10', '2026-12-14', '2026-12-17', '2026-12-21']);
  });

  it('never plans past the booking window, whatever RECURRING_WEEKS says', () => {
    expect(booked({ ...base, mode: { kind: 'recurring', weeks: 8 } }).at(-1)).toBe('2026-12-22');
  });

  it('skips vacations (ranges and single days) and says so', () => {
    const plan = planDates({
      ...base,
      vacations: [
        { start: '2026-12-01', end: '2026-12-03' },
        { start: '2026-12-10', end: '2026-12-10' },
      ],
    });
    const skipped = plan.filter((p) => p.action === 'skip').map((p) => [p.date, p.action === 'skip' && p.reason]);
    expect(skipped).toEqual([
      ['2026-12-01', 'vacation'],
      ['2026-12-02', 'vacation'],
      ['2026-12-03', 'vacation'],
      ['2026-12-10', 'vacation'],
    ]);
  });

  it('skips French public holidays from the holiday library, with their name', async () => {
    const plan = planDates({
      ...base,
      today: '2026-12-01',
      holidays: await loadHolidayCalendar({ country: 'FR' }, 'fr', [2026, 2027]),
    });
    expect(plan.find((p) => p.date === '2026-12-25')).toEqual({ date: '2026-12-25', action: 'skip', reason: 'holiday', detail: 'Noël' });
  });

  it('knows regional holidays (Alsace-Moselle has 26 December)', async () => {
    const input = { ...base, today: '2026-12-01', mode: { kind: 'dates' as const, dates: ['2026-12-26'] } };
    expect(planDates({ ...input, holidays: await loadHolidayCalendar({ country: 'FR' }, 'fr', [2026]) })[0]?.action).toBe('book');
    expect(planDates({ ...input, holidays: await loadHolidayCalendar({ country: 'FR', state: '67' }, 'fr', [2026]) })[0]).toMatchObject({ reason: 'holiday' });
  });

  it('computes a year it was not prepared for when first asked (a bot running for years)', async () => {
    const calendar = await loadHolidayCalendar({ country: 'FR' }, 'en', [2026]);
    expect(calendar.holidayOn('2040-07-14')).toBeDefined();
    expect(calendar.holidayOn('2040-07-15')).toBeUndefined();
  });

  it('does not book again a date the user cancelled, unless forced', () => {
    const input = { ...base, cancelledByUser: new Set(['2026-11-30']) };
    expect(planDates(input).find((p) => p.date === '2026-11-30')).toMatchObject({ action: 'skip', reason: 'cancelled-by-user' });
    expect(planDates({ ...input, force: true }).find((p) => p.date === '2026-11-30')).toMatchObject({ action: 'book' });
  });

  it('single-date mode plans today + RESERVATION_DAYS_AHEAD, and skips it when not an office day', () => {
    expect(planDates({ ...base, mode: { kind: 'single', daysAhead: 28 } })).toEqual([{ date: '2026-12-22', action: 'book' }]);
    expect(planDates({ ...base, mode: { kind: 'single', daysAhead: 4 } })).toEqual([
      { date: '2026-11-28', action: 'skip', reason: 'not-office-day' },
    ]);
  });

  it('an explicit date ignores the weekdays but not the window, the past or vacations', () => {
    const plan = planDates({
      ...base,
      vacations: [{ start: '2026-12-02', end: '2026-12-02' }],
      mode: { kind: 'dates', dates: ['2026-11-28', '2026-11-20', '2027-01-30', '2026-12-02'] },
    });
    expect(plan).toEqual([
      { date: '2026-11-20', action: 'skip', reason: 'past' },
      { date: '2026-11-28', action: 'book' },
      { date: '2026-12-02', action: 'skip', reason: 'vacation' },
      { date: '2027-01-30', action: 'skip', reason: 'outside-window', detail: '2026-12-22' },
    ]);
  });

  it('plans the same calendar days across the DST change of late March', () => {
    const dates = booked({ ...base, today: '2027-03-20' });
    expect(dates.slice(0, 6)).toEqual(['2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26', '2027-03-29']);
  });
});

describe('bookingOrder', () => {
  it('sends the date that opened today first, then the nearest dates', () => {
    expect(bookingOrder(['2026-11-25', '2026-12-22', '2026-11-26'], '2026-11-24', 28)).toEqual(['2026-12-22', '2026-11-25', '2026-11-26']);
  });
});

describe('schedule instants in BOT_TIMEZONE', () => {
  const paris = 'Europe/Paris';
  it('fires at midnight Paris time in winter (23:00 UTC) and in summer (22:00 UTC)', () => {
    expect(new Date(zonedInstant('2026-12-01', { hour: 0, minute: 0, second: 0 }, paris)).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(new Date(zonedInstant('2026-07-01', { hour: 0, minute: 0, second: 0 }, paris)).toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });

  it('crosses the spring-forward night: the next runs stay at 00:00:05 local', () => {
    const t = { hour: 0, minute: 0, second: 5 };
    let after = Date.parse('2027-03-27T12:00:00Z');
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      after = nextInstant(after, t, paris);
      runs.push(new Date(after).toISOString());
    }
    expect(runs).toEqual(['2027-03-27T23:00:05.000Z', '2027-03-28T22:00:05.000Z', '2027-03-29T22:00:05.000Z']);
  });

  it('moves a run set inside the skipped hour forward, and runs once on the repeated hour', () => {
    expect(new Date(zonedInstant('2027-03-28', { hour: 2, minute: 30, second: 0 }, paris)).toISOString()).toBe('2027-03-28T01:30:00.000Z');
    const first = nextInstant(Date.parse('2026-10-24T12:00:00Z'), { hour: 2, minute: 30, second: 0 }, paris);
    const second = nextInstant(first, { hour: 2, minute: 30, second: 0 }, paris);
    expect(new Date(first).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(calendarDate(second, paris)).toBe('2026-10-26');
  });
});
