/**
 * Which dates a run books, as a pure function of today, the configuration and what the user did.
 * Dates are calendar days in BOT_TIMEZONE, so DST changes cannot shift them.
 */
import { inRanges, type DateRange } from '../config/config.js';
import { addDays, daysBetween, isoWeekday, type CalendarDate } from '../time.js';
import type { HolidayCalendar } from './holidays.js';

export type PlanMode =
  /** The Python bot's default: the one date RESERVATION_DAYS_AHEAD days after today. */
  | { readonly kind: 'single'; readonly daysAhead: number }
  /** Every office day of the next `weeks` weeks that is open for booking. */
  | { readonly kind: 'recurring'; readonly weeks: number }
  /** Dates a person asked for (`book --date`); office days are not enforced unless told. */
  | { readonly kind: 'dates'; readonly dates: readonly CalendarDate[]; readonly officeDaysOnly?: boolean };

export const SKIP_REASONS = ['vacation', 'holiday', 'cancelled-by-user', 'not-office-day', 'outside-window', 'past'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type PlannedDate =
  | { readonly date: CalendarDate; readonly action: 'book' }
  | { readonly date: CalendarDate; readonly action: 'skip'; readonly reason: SkipReason; readonly detail?: string };

export interface PlanInput {
  readonly today: CalendarDate;
  readonly mode: PlanMode;
  readonly daysOfWeek: readonly number[];
  readonly windowDays: number;
  readonly vacations: readonly DateRange[];
  readonly holidays: HolidayCalendar;
  /** Dates the user cancelled themselves (the bot does not book them again). */
  readonly cancelledByUser: ReadonlySet<CalendarDate>;
  /** Book even on vacations, holidays, other days and dates the user cancelled. */
  readonly force?: boolean;
}

export function planDates(input: PlanInput): PlannedDate[] {
  const { today, mode } = input;
  const lastOpen = addDays(today, input.windowDays);
  let candidates: CalendarDate[];
  let officeDaysOnly: boolean;
  switch (mode.kind) {
    case 'single':
      candidates = [addDays(today, mode.daysAhead)];
      officeDaysOnly = true;
      break;
    case 'recurring': {
      const last = addDays(today, Math.min(mode.weeks * 7, input.windowDays));
      candidates = [];
      for (let d = addDays(today, 1); d <= last; d = addDays(d, 1)) {
        if (input.daysOfWeek.includes(isoWeekday(d))) candidates.push(d);
      }
      officeDaysOnly = true;
      break;
    }
    case 'dates':
      candidates = [...new Set(mode.dates)].sort();
      officeDaysOnly = mode.officeDaysOnly ?? false;
      break;
  }

  const planned = candidates.map((date): PlannedDate => {
    if (date < today) return { date, action: 'skip', reason: 'past' };
    if (date > lastOpen && !input.force) return { date, action: 'skip', reason: 'outside-window', detail: lastOpen };
    if (input.force) return { date, action: 'book' };
    if (officeDaysOnly && !input.daysOfWeek.includes(isoWeekday(date))) return { date, action: 'skip', reason: 'not-office-day' };
    if (inRanges(date, input.vacations)) return { date, action: 'skip', reason: 'vacation' };
    const holiday = input.holidays.holidayOn(date);
    if (holiday) return { date, action: 'skip', reason: 'holiday', detail: holiday };
    if (input.cancelledByUser.has(date)) return { date, action: 'skip', reason: 'cancelled-by-user' };
    return { date, action: 'book' };
  });
  return planned;
}

/**
 * The order bookings are sent in: the date that opened today (the one colleagues race for) first,
 * then the others from the nearest.
 */
export function bookingOrder(dates: readonly CalendarDate[], today: CalendarDate, windowDays: number): CalendarDate[] {
  const opened = addDays(today, windowDays);
  return [...dates].sort((a, b) => {
    if (a === opened) return -1;
    if (b === opened) return 1;
    return daysBetween(b, a);
  });
}
