/** Public holidays from date-holidays' maintained calendars (public days only, not observances). */
import Holidays from 'date-holidays';
import type { HolidayRegion } from '../config/holiday-region.js';
import type { CalendarDate } from '../time.js';

export interface HolidayCalendar {
  /** The holiday's name when `date` is a public holiday, else undefined. */
  holidayOn(date: CalendarDate): string | undefined;
}

export const noHolidays: HolidayCalendar = { holidayOn: () => undefined };

export function createHolidayCalendar(region: HolidayRegion | null, language: string): HolidayCalendar {
  if (!region) return noHolidays;
  const hd = region.state ? new Holidays(region.country, region.state) : new Holidays(region.country);
  const byYear = new Map<number, Map<string, string>>();
  return {
    holidayOn(date) {
      const year = Number(date.slice(0, 4));
      let days = byYear.get(year);
      if (!days) {
        days = new Map();
        for (const h of hd.getHolidays(year, language)) {
          if (h.type === 'public') days.set(h.date.slice(0, 10), h.name);
        }
        byYear.set(year, days);
      }
      return days.get(date);
    },
  };
}
