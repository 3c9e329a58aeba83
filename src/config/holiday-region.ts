/**
 * Public holidays come from date-holidays (maintained calendars, with regional ones such as
 * Alsace-Moselle), never from hand-written lists.
 *
 * Checking a code only needs the catalogue of countries and states, not the calendar engine: the
 * catalogue is read once from date-holidays' data module, which is then dropped from the module
 * cache so that a long-running bot does not keep every country's calendar in memory (the days
 * themselves are computed by `booking/holidays.ts`).
 */
import { createRequire } from 'node:module';

export interface HolidayRegion {
  readonly country: string;
  readonly state?: string;
}

/** Country code → its state codes. */
type Catalogue = ReadonlyMap<string, ReadonlySet<string>>;

let catalogue: Catalogue | undefined;

function loadCatalogue(): Catalogue {
  if (catalogue) return catalogue;
  const require = createRequire(import.meta.url);
  const id = require.resolve('date-holidays/data');
  try {
    const { data } = require(id) as { data: { holidays: Record<string, { states?: Record<string, unknown> }> } };
    catalogue = new Map(Object.entries(data.holidays).map(([country, entry]) => [country, new Set(Object.keys(entry.states ?? {}))]));
  } finally {
    delete require.cache[id];
  }
  return catalogue;
}

/** `FR`, `fr`, `FR-67` or `DE.BY` → a region date-holidays knows, or undefined. */
export function resolveHolidayRegion(code: string): HolidayRegion | undefined {
  const m = /^([A-Za-z]{2})(?:[-.]([A-Za-z0-9]{1,3}))?$/.exec(code.trim());
  if (!m) return undefined;
  const country = m[1]!.toUpperCase();
  const states = loadCatalogue().get(country);
  if (!states) return undefined;
  if (m[2] === undefined) return { country };
  const state = m[2].toUpperCase();
  return states.has(state) ? { country, state } : undefined;
}
