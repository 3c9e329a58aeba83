/**
 * Applies the booking plan through the OneFlex client.
 *
 * A run is split in two so the scheduler can do the slow part early: `prepare` (who am I, the
 * existing bookings of every planned date in one query, the desks to try) and `execute` (the
 * bookings themselves, the date that just opened first, with bounded concurrency and no sleeps).
 * Every date ends with one outcome; a run never throws for one date's failure.
 */
import { inRanges } from '../config/config.js';
import type { Moment } from '../config/variables.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { createEvent, type BookedDesk, type EventSink } from '../notify/events.js';
import type { Affectation, Desk, OneFlexClient } from '../oneflex/client.js';
import { OneFlexError } from '../oneflex/errors.js';
import { addDays, calendarDate, type CalendarDate, type Clock } from '../time.js';
import type { BookingState, BookingsFile } from './booking-state.js';
import type { HolidayCalendar } from './holidays.js';
import { bookingOrder, planDates, type PlanMode, type SkipReason } from './plan.js';

export interface DeskRef {
  readonly deskId: string | null;
  readonly deskName: string | null;
  readonly spaceName: string | null;
}

export type DateOutcome =
  | {
      readonly date: CalendarDate;
      readonly status: 'created';
      readonly desk: DeskRef;
      /** True when the answer was lost and the booking was found by looking it up. */
      readonly recovered: boolean;
      readonly affectationIds: readonly string[];
    }
  | { readonly date: CalendarDate; readonly status: 'would-book'; readonly desk: DeskRef | null }
  | { readonly date: CalendarDate; readonly status: 'already-booked'; readonly desk: DeskRef | null; readonly kind: string | null }
  | { readonly date: CalendarDate; readonly status: 'skipped'; readonly reason: SkipReason; readonly detail?: string }
  | { readonly date: CalendarDate; readonly status: 'failed'; readonly code: string; readonly reason: string }
  | { readonly date: CalendarDate; readonly status: 'cancelled'; readonly desk: DeskRef };

export interface RunReport {
  readonly today: CalendarDate;
  readonly dryRun: boolean;
  readonly outcomes: readonly DateOutcome[];
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface RunRequest {
  readonly mode: PlanMode;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  /** The instant whose calendar day is "today" (the scheduled instant); now by default. */
  readonly at?: number;
}

export interface BookingSettings {
  readonly timeZone: string;
  readonly daysOfWeek: readonly number[];
  readonly windowDays: number;
  readonly moments: readonly Moment[];
  readonly concurrency: number;
  readonly vacations: readonly { start: string; end: string }[];
  readonly autoCancelVacations: boolean;
  readonly desk: { readonly deskId: string; readonly spaceId: string; readonly name: string | undefined } | undefined;
}

export interface RunnerOptions {
  readonly client: OneFlexClient;
  readonly settings: BookingSettings;
  readonly state: BookingState;
  /** The public holidays, loaded when first needed. */
  readonly holidays: () => Promise<HolidayCalendar>;
  readonly events: EventSink;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Extra vacations (from chat commands, later), merged with VACATION_DATES. */
  readonly extraVacations?: () => Promise<readonly { start: string; end: string }[]>;
}

/** Everything `execute` needs, loaded ahead of time. */
export interface PreparedRun {
  readonly request: RunRequest;
  readonly today: CalendarDate;
  readonly outcomes: Map<CalendarDate, DateOutcome>;
  readonly toBook: readonly CalendarDate[];
  readonly toCancel: ReadonlyMap<CalendarDate, readonly Affectation[]>;
  readonly desks: DeskCandidates;
  readonly state: BookingsFile;
}

export class BookingRunner {
  private readonly log: Logger;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RunnerOptions) {
    this.log = options.logger.child({ module: 'booking' });
  }

  today(at = this.options.clock.now()): CalendarDate {
    return calendarDate(at, this.options.settings.timeZone);
  }

  /** prepare + execute, one run at a time. */
  run(request: RunRequest): Promise<RunReport> {
    return this.exclusive(async () => this.executeUnlocked(await this.prepare(request)));
  }

  /** Runs a prepared plan, waiting for any other run to finish first. */
  execute(prepared: PreparedRun): Promise<RunReport> {
    return this.exclusive(() => this.executeUnlocked(prepared));
  }

  /** Reads what the run needs: existing bookings of every planned date (one query) and the desks. */
  async prepare(request: RunRequest): Promise<PreparedRun> {
    const { settings } = this.options;
    const today = this.today(request.at);
    const state = await this.options.state.read();
    const vacations = [...settings.vacations, ...((await this.options.extraVacations?.()) ?? [])];
    const plan = planDates({
      today,
      mode: request.mode,
      daysOfWeek: settings.daysOfWeek,
      windowDays: settings.windowDays,
      vacations,
      holidays: await this.options.holidays(),
      cancelledByUser: new Set(Object.keys(state.cancelledByUser)),
      force: request.force ?? false,
    });
    const outcomes = new Map<CalendarDate, DateOutcome>();
    for (const p of plan) {
      if (p.action === 'skip') outcomes.set(p.date, { date: p.date, status: 'skipped', reason: p.reason, ...(p.detail ? { detail: p.detail } : {}) });
    }
    const candidates = plan.filter((p) => p.action === 'book').map((p) => p.date);
    const vacationDates = settings.autoCancelVacations
      ? Object.keys(state.made).filter((d) => d >= today && inRanges(d, vacations))
      : [];
    const desks = new DeskCandidates(this.options.client, settings.desk, today);
    const existing = await this.options.client.affectations([...candidates, ...vacationDates]);
    const activeOn = (date: string) => existing.filter((a) => a.date === date && a.active !== false);

    const toBook: CalendarDate[] = [];
    for (const date of candidates) {
      const active = activeOn(date);
      const first = active[0];
      if (first) {
        outcomes.set(date, { date, status: 'already-booked', desk: deskOf(first), kind: first.description ?? first.type ?? null });
      } else if (state.made[date] && !request.force) {
        // The bot booked this date and the booking is gone: the user cancelled it. Respect that.
        outcomes.set(date, { date, status: 'skipped', reason: 'cancelled-by-user' });
        state.cancelledByUser[date] = new Date(this.options.clock.now()).toISOString();
      } else {
        toBook.push(date);
      }
    }
    const toCancel = new Map<CalendarDate, Affectation[]>();
    for (const date of vacationDates) {
      const made = state.made[date]!;
      const mine = activeOn(date).filter((a) => made.affectationIds.includes(a.id) || (made.deskId !== null && a.desk?.id === made.deskId));
      if (mine.length > 0) toCancel.set(date, mine);
    }
    if (toBook.length > 0) await desks.get(0); // load the desks now, not at the instant of booking
    return { request, today, outcomes, toBook: bookingOrder(toBook, today, settings.windowDays), toCancel, desks, state };
  }

  private async executeUnlocked(prepared: PreparedRun): Promise<RunReport> {
    const startedAt = new Date(this.options.clock.now()).toISOString();
    const { outcomes, today } = prepared;
    const dryRun = prepared.request.dryRun ?? false;
    const newlyMade: Record<string, BookingsFile['made'][string]> = {};

    if (dryRun) {
      const desk = await prepared.desks.get(0).catch(() => undefined);
      for (const date of prepared.toBook) outcomes.set(date, { date, status: 'would-book', desk: desk ? refOf(desk) : null });
    } else {
      await forEachConcurrently(prepared.toBook, this.options.settings.concurrency, async (date) => {
        const outcome = await this.bookDate(date, prepared.desks);
        outcomes.set(date, outcome);
        if (outcome.status === 'created') {
          newlyMade[date] = {
            affectationIds: [...outcome.affectationIds],
            deskId: outcome.desk.deskId,
            deskName: outcome.desk.deskName,
            spaceName: outcome.desk.spaceName,
            moments: [...this.options.settings.moments],
            at: new Date(this.options.clock.now()).toISOString(),
          };
        }
      });
    }

    const cancelled: DateOutcome[] = [];
    for (const [date, affectations] of prepared.toCancel) {
      if (dryRun) continue;
      try {
        for (const a of affectations) await this.options.client.cancel(a.id);
        const outcome: DateOutcome = { date, status: 'cancelled', desk: deskOf(affectations[0]!) };
        outcomes.set(date, outcome);
        cancelled.push(outcome);
      } catch (error) {
        outcomes.set(date, { date, status: 'failed', ...failureOf(error) });
      }
    }

    if (!dryRun) await this.remember(prepared, newlyMade, cancelled.map((c) => c.date));
    const sorted = [...outcomes.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    if (!dryRun) this.publishEvents(sorted);
    return { today, dryRun, outcomes: sorted, startedAt, finishedAt: new Date(this.options.clock.now()).toISOString() };
  }

  /** Tries each candidate desk in turn until one is free. */
  private async bookDate(date: CalendarDate, desks: DeskCandidates): Promise<DateOutcome> {
    const moments = this.options.settings.moments;
    for (let i = 0; ; i++) {
      let desk: Desk | undefined;
      try {
        desk = await desks.get(i);
      } catch (error) {
        return { date, status: 'failed', ...failureOf(error) };
      }
      if (!desk) {
        return i === 0
          ? { date, status: 'failed', code: 'no_desk', reason: 'no desk to book: set ONEFLEX_DESK_ID and ONEFLEX_SPACE_ID, or add favourite desks in OneFlex' }
          : { date, status: 'failed', code: 'desk_unavailable', reason: `all ${i} candidate desks are taken` };
      }
      try {
        const created = await this.options.client.book({ date, moments, desk });
        this.log.info('desk booked', { date, desk: desk.deskName ?? desk.deskId, recovered: created.recovered || undefined });
        return { date, status: 'created', desk: refOf(desk), recovered: created.recovered, affectationIds: created.affectationIds };
      } catch (error) {
        if (error instanceof OneFlexError && error.code === 'desk_unavailable') {
          this.log.info('desk taken, trying the next one', { date, desk: desk.deskName ?? desk.deskId });
          continue;
        }
        if (error instanceof OneFlexError && error.code === 'already_booked') {
          return { date, status: 'already-booked', desk: null, kind: null };
        }
        this.log.warn('booking failed', { date, error });
        return { date, status: 'failed', ...failureOf(error) };
      }
    }
  }

  private async remember(prepared: PreparedRun, made: Record<string, BookingsFile['made'][string]>, cancelledDates: CalendarDate[]): Promise<void> {
    const userCancelled = Object.entries(prepared.state.cancelledByUser);
    try {
      await this.options.state.update((state) => {
        for (const [date, at] of userCancelled) state.cancelledByUser[date] ??= at;
        for (const [date, record] of Object.entries(made)) {
          state.made[date] = record;
          delete state.cancelledByUser[date];
        }
        for (const date of cancelledDates) delete state.made[date];
      }, prepared.today);
    } catch (error) {
      this.log.error('cannot save the booking state', { error });
    }
  }

  private publishEvents(outcomes: readonly DateOutcome[]): void {
    const { clock, events } = this.options;
    const moments = this.options.settings.moments;
    const created = outcomes.filter((o) => o.status === 'created');
    if (created.length > 0) {
      events.publish(createEvent('booking-success', { bookings: created.map((o) => bookedDesk(o.date, o.desk, moments)) }, clock));
    }
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0) {
      events.publish(createEvent('booking-failure', { failures: failed.map((o) => ({ date: o.date, code: o.code, reason: o.reason })) }, clock));
    }
    const cancelled = outcomes.filter((o) => o.status === 'cancelled');
    if (cancelled.length > 0) {
      events.publish(createEvent('vacation-cancellation', { cancelled: cancelled.map((o) => bookedDesk(o.date, o.desk, [])) }, clock));
    }
  }

  /** Today's bookings, published as the morning reminder. */
  async remind(at = this.options.clock.now()): Promise<BookedDesk[]> {
    const date = this.today(at);
    const bookings = await this.bookingsOn([date]);
    this.options.events.publish(createEvent('daily-reminder', { date, bookings }, this.options.clock));
    return bookings;
  }

  /** Active bookings on the given dates, one entry per date and desk with its moments. */
  async bookingsOn(dates: readonly CalendarDate[]): Promise<BookedDesk[]> {
    return groupByDesk((await this.options.client.affectations(dates)).filter((a) => a.active !== false));
  }

  /** Upcoming bookings from today for `days` days. */
  upcoming(days: number, at = this.options.clock.now()): Promise<BookedDesk[]> {
    const today = this.today(at);
    const dates = Array.from({ length: days + 1 }, (_, i) => addDays(today, i));
    return this.bookingsOn(dates);
  }

  /** Cancels every active booking on `date` and remembers that the user did it. */
  cancelDate(date: CalendarDate, options: { dryRun?: boolean } = {}): Promise<BookedDesk[]> {
    return this.exclusive(async () => {
      const active = (await this.options.client.affectations([date])).filter((a) => a.active !== false && a.date === date);
      if (!options.dryRun) {
        for (const a of active) await this.options.client.cancel(a.id);
        await this.options.state.update((state) => {
          state.cancelledByUser[date] = new Date(this.options.clock.now()).toISOString();
          delete state.made[date];
        }, this.today());
      }
      return groupByDesk(active);
    });
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.running.then(task, task);
    this.running = run.catch(() => undefined);
    return run;
  }
}

/**
 * The desks to try, in order: ONEFLEX_DESK_ID, then the favourites, then (without favourites) the
 * desks booked most over the last 90 days. Loaded once, and only as far as needed.
 */
export class DeskCandidates {
  private list: Promise<Desk[]> | undefined;

  constructor(
    private readonly client: OneFlexClient,
    private readonly configured: BookingSettings['desk'],
    private readonly today: CalendarDate,
  ) {}

  async get(index: number): Promise<Desk | undefined> {
    const configured = this.configuredDesk();
    if (index === 0 && configured) return configured;
    return (await this.all())[index];
  }

  all(): Promise<Desk[]> {
    this.list ??= this.load().catch((error: unknown) => {
      this.list = undefined;
      throw error;
    });
    return this.list;
  }

  private async load(): Promise<Desk[]> {
    const configured = this.configuredDesk();
    const desks: Desk[] = configured ? [configured] : [];
    const favourites = await this.client.favouriteDesks();
    const extra = favourites.length > 0 ? favourites : await this.mostBooked();
    for (const d of extra) if (!desks.some((x) => x.deskId === d.deskId)) desks.push(d);
    return desks;
  }

  /** ONEFLEX_DESK_ID / ONEFLEX_SPACE_ID as a desk, when set. */
  private configuredDesk(): Desk | undefined {
    const c = this.configured;
    return c ? { deskId: c.deskId, deskName: c.name ?? null, spaceId: c.spaceId, spaceName: null } : undefined;
  }

  private async mostBooked(): Promise<Desk[]> {
    const dates = Array.from({ length: 90 }, (_, i) => addDays(this.today, -90 + i));
    const past = await this.client.affectations(dates);
    const counts = new Map<string, { desk: Desk; days: Set<string> }>();
    for (const a of past) {
      if (a.active === false || !a.desk || !a.space) continue;
      const entry = counts.get(a.desk.id) ?? {
        desk: { deskId: a.desk.id, deskName: a.desk.name, spaceId: a.space.id, spaceName: a.space.name },
        days: new Set<string>(),
      };
      entry.days.add(a.date);
      counts.set(a.desk.id, entry);
    }
    return [...counts.values()].sort((a, b) => b.days.size - a.days.size).map((e) => e.desk);
  }
}

function refOf(desk: Desk): DeskRef {
  return { deskId: desk.deskId, deskName: desk.deskName, spaceName: desk.spaceName };
}

function deskOf(a: Affectation): DeskRef {
  return { deskId: a.desk?.id ?? null, deskName: a.desk?.name ?? null, spaceName: a.space?.name ?? null };
}

/** One entry per date and desk, with its moments, in date order. */
function groupByDesk(affectations: readonly Affectation[]): BookedDesk[] {
  const grouped = new Map<string, BookedDesk & { moments: string[] }>();
  for (const a of affectations) {
    const key = `${a.date}|${a.desk?.id ?? ''}`;
    const entry = grouped.get(key) ?? { ...bookedDesk(a.date, deskOf(a), []), moments: [] };
    if (a.moment) entry.moments.push(a.moment);
    grouped.set(key, entry);
  }
  return [...grouped.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function bookedDesk(date: string, desk: DeskRef | null, moments: readonly string[]): BookedDesk {
  return { date, deskName: desk?.deskName ?? null, spaceName: desk?.spaceName ?? null, moments: [...moments] };
}

function failureOf(error: unknown): { code: string; reason: string } {
  if (error instanceof OneFlexError) return { code: error.code, reason: error.message };
  return { code: 'internal', reason: errorMessage(error) };
}

/** Runs `task` over `items` with at most `limit` at once, starting them in order. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
