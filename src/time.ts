/**
 * Calendar arithmetic in a named time zone, without a date library: calendar dates are
 * `YYYY-MM-DD` strings computed on UTC midnights (no DST there), and the only zone-aware steps are
 * "which calendar day is this instant in zone Z" and "which instant is wall time T on day D in Z".
 */

/** Where time comes from. Production uses the system clock; tests and the scheduler inject one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type CalendarDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date such as 2026-02-28 (not 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function utcMidnight(date: CalendarDate): Date {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = utcMidnight(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return Math.round((utcMidnight(b).getTime() - utcMidnight(a).getTime()) / 86_400_000);
}

/** ISO weekday: 1 = Monday … 7 = Sunday (the numbering of RESERVATION_DAYS_OF_WEEK). */
export function isoWeekday(date: CalendarDate): number {
  const day = utcMidnight(date).getUTCDay();
  return day === 0 ? 7 : day;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

interface WallTime {
  date: CalendarDate;
  hour: number;
  minute: number;
  second: number;
}

export function wallTime(instant: number, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The calendar day that `instant` falls on in `timeZone`. */
export function calendarDate(instant: number, timeZone: string): CalendarDate {
  return wallTime(instant, timeZone).date;
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds. */
function zoneOffset(instant: number, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = utcMidnight(w.date).getTime() + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/**
 * The instant at which the wall clock of `timeZone` shows `time` on `date`. When that wall time
 * does not exist (the hour skipped by a spring-forward change), it is shifted by the gap's length; when it exists twice (autumn), the first one.
 */
export function zonedInstant(date: CalendarDate, time: TimeOfDay, timeZone: string): number {
  const naive = utcMidnight(date).getTime() + ((time.hour * 60 + time.minute) * 60 + time.second) * 1000;
  // Two candidate offsets: the one before and the one after a possible change near `naive`.
  const candidates = [zoneOffset(naive - 86_400_000 / 2, timeZone), zoneOffset(naive + 86_400_000 / 2, timeZone)];
  const matches = candidates
    .map((offset) => naive - offset)
    .filter((instant) => {
      const w = wallTime(instant, timeZone);
      return w.date === date && w.hour === time.hour && w.minute === time.minute && w.second === time.second;
    })
    .sort((a, b) => a - b);
  if (matches[0] !== undefined) return matches[0];
  // Skipped wall time: reading it with the offset in force before the gap lands after the jump,
  // shifted by the gap's length (02:30 on a spring-forward night becomes 03:30), as cron does.
  return naive - candidates[0]!;
}

export function formatTimeOfDay(t: TimeOfDay): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
}

export function parseTimeOfDay(value: string): TimeOfDay | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const t = { hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0) };
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return undefined;
  return t;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
