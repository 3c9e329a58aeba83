/**
 * Public holidays from date-holidays' maintained calendars (public days only, not observances).
 *
 * date-holidays carries every country's calendar and a full time-zone database: ~30 MB that a
 * long-running bot would hold for a handful of dates (a worker thread still leaves ~18 MB behind in
 * the allocator). So the days are computed once, for the years the bot can book, by a short-lived
 * child process whose memory goes back to the system when it exits; a later year (a bot running
 * for years without a restart) is computed in-process on demand.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { HolidayRegion } from '../config/holiday-region.js';
import type { CalendarDate } from '../time.js';

export interface HolidayCalendar {
  /** The holiday's name when `date` is a public holiday, else undefined. */
  holidayOn(date: CalendarDate): string | undefined;
}

export const noHolidays: HolidayCalendar = { holidayOn: () => undefined };

interface HolidayQuery {
  readonly from: string;
  readonly country: string;
  readonly state: string | undefined;
  readonly language: string;
  readonly years: readonly number[];
}

/** Runs in the worker (and in-process for late years): public holidays of the years, date → name. */
function computeHolidays(query: HolidayQuery, load: (id: string) => unknown): Record<string, string> {
  const Holidays = load('date-holidays') as new (country: string, state?: string) => {
    getHolidays(year: number, language: string): { date: string; name: string; type: string }[];
  };
  const hd = query.state ? new Holidays(query.country, query.state) : new Holidays(query.country);
  const days: Record<string, string> = {};
  for (const year of query.years) {
    for (const h of hd.getHolidays(year, query.language)) if (h.type === 'public') days[h.date.slice(0, 10)] = h.name;
  }
  return days;
}

const CHILD_SOURCE = `
const { createRequire } = require('node:module');
const compute = ${computeHolidays.toString()};
const query = JSON.parse(process.argv[1]);
process.stdout.write(JSON.stringify(compute(query, createRequire(query.from))));
`;

function inChildProcess(query: HolidayQuery): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', CHILD_SOURCE, JSON.stringify(query)], { timeout: 30_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`public holidays could not be computed: ${stderr.trim() || error.message}`));
      resolve(JSON.parse(stdout) as Record<string, string>);
    });
  });
}

/**
 * A calendar for `years` (computed now, in a child process) and any later year (computed when
 * first asked, in-process).
 */
export async function loadHolidayCalendar(region: HolidayRegion | null, language: string, years: readonly number[]): Promise<HolidayCalendar> {
  if (!region) return noHolidays;
  const base = { from: import.meta.url, country: region.country, state: region.state, language };
  const known = new Set(years);
  const days = new Map(Object.entries(await inChildProcess({ ...base, years })));
  return {
    holidayOn(date) {
      const year = Number(date.slice(0, 4));
      if (!known.has(year)) {
        for (const [d, name] of Object.entries(computeHolidays({ ...base, years: [year] }, createRequire(import.meta.url)))) days.set(d, name);
        known.add(year);
      }
      return days.get(date);
    },
  };
}
