/**
 * Public holidays come from date-holidays (maintained calendars, with regional ones such as
 * Alsace-Moselle), never from hand-written lists.
 */
import Holidays from 'date-holidays';

export interface HolidayRegion {
  readonly country: string;
  readonly state?: string;
}

/** `FR`, `fr`, `FR-67` or `DE.BY` → a region date-holidays knows, or undefined. */
export function resolveHolidayRegion(code: string): HolidayRegion | undefined {
  const m = /^([A-Za-z]{2})(?:[-.]([A-Za-z0-9]{1,3}))?$/.exec(code.trim());
  if (!m) return undefined;
  const country = m[1]!.toUpperCase();
  const catalogue = new Holidays();
  if (!Object.hasOwn(catalogue.getCountries() ?? {}, country)) return undefined;
  if (m[2] === undefined) return { country };
  const state = m[2].toUpperCase();
  if (!Object.hasOwn(catalogue.getStates(country) ?? {}, state)) return undefined;
  return { country, state };
}
