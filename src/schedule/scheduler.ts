/**
 * When things happen: the daily booking run at RESERVATION_TIME and the reminder at
 * REMINDER_TIME, in BOT_TIMEZONE, to the second (node-schedule one-shot jobs on exact instants,
 * recomputed every day so DST changes are followed), plus a preparation step a minute before the
 * run so that at the instant itself the first request sent is the booking.
 *
 * A run missed while the bot was down is caught up at start-up; a day is never run twice.
 */
import schedule from 'node-schedule';
import type { Logger } from '../logger.js';
import { addDays, calendarDate, daysBetween, zonedInstant, type CalendarDate, type Clock, type TimeOfDay } from '../time.js';
import type { RunLog } from './run-log.js';

export interface ScheduledWork {
  /** A minute before the run: refresh the token, load who am I, desks and existing bookings. */
  prepare(instant: number): Promise<void>;
  /** A few seconds before: re-read the bookings (keeps the connection warm and the data fresh). */
  warm(instant: number): Promise<void>;
  /** The run itself; `missedDays` lists earlier days whose run never happened (oldest first). */
  run(instant: number, context: { catchUp: boolean; missedDays: readonly CalendarDate[] }): Promise<{ ok: boolean; counts: Record<string, number> }>;
  remind(instant: number): Promise<void>;
}

export interface SchedulerOptions {
  readonly timeZone: string;
  readonly runTime: TimeOfDay;
  readonly reminderTime: TimeOfDay | undefined;
  readonly clock: Clock;
  readonly runLog: RunLog;
  readonly work: ScheduledWork;
  readonly logger: Logger;
  readonly prepareLeadMs?: number;
  readonly warmLeadMs?: number;
  /** A reminder missed by less than this is still sent at start-up. */
  readonly reminderGraceMs?: number;
  /** Earlier missed days caught up, at most. */
  readonly maxMissedDays?: number;
}

export interface NextRuns {
  readonly run: string | null;
  readonly reminder: string | null;
}

/** The first instant strictly after `after` at which the wall clock shows `time`. */
export function nextInstant(after: number, time: TimeOfDay, timeZone: string): number {
  let day = calendarDate(after, timeZone);
  for (let i = 0; i < 3; i++, day = addDays(day, 1)) {
    const instant = zonedInstant(day, time, timeZone);
    if (instant > after) return instant;
  }
  throw new Error('unreachable: a wall time occurs at least once in three days');
}

export class Scheduler {
  private readonly jobs = new Set<schedule.Job>();
  private readonly log: Logger;
  private inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  private nextRun: number | null = null;
  private nextReminder: number | null = null;

  constructor(private readonly options: SchedulerOptions) {
    this.log = options.logger.child({ module: 'scheduler' });
  }

  async start(): Promise<void> {
    await this.catchUp();
    this.armRun();
    this.armReminder();
  }

  next(): NextRuns {
    return {
      run: this.nextRun === null ? null : new Date(this.nextRun).toISOString(),
      reminder: this.nextReminder === null ? null : new Date(this.nextReminder).toISOString(),
    };
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Cancels every job and waits for the work under way to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs) job.cancel();
    this.jobs.clear();
    this.nextRun = null;
    this.nextReminder = null;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async catchUp(): Promise<void> {
    const { clock, timeZone, runTime, runLog } = this.options;
    const now = clock.now();
    const today = calendarDate(now, timeZone);
    const todayInstant = zonedInstant(today, runTime, timeZone);
    const log = await runLog.read();
    const last = log.lastRun;
    if (now >= todayInstant && (last?.day !== today || last.finishedAt === null)) {
      const missedDays: CalendarDate[] = [];
      if (last && last.day < today) {
        const gap = Math.min(daysBetween(last.day, today) - 1, this.options.maxMissedDays ?? 7);
        for (let i = gap; i >= 1; i--) missedDays.push(addDays(today, -i));
      }
      this.log.info('catching up the run missed while the bot was down', { day: today, missedDays: missedDays.length || undefined });
      await this.track(this.runDay(todayInstant, { catchUp: true, missedDays }));
    }
    if (this.options.reminderTime) {
      const reminderInstant = zonedInstant(today, this.options.reminderTime, timeZone);
      const late = now - reminderInstant;
      if (late >= 0 && late < (this.options.reminderGraceMs ?? 3 * 3_600_000) && log.lastReminderDay !== today) {
        await this.track(this.remindDay(reminderInstant));
      }
    }
  }

  private armRun(): void {
    if (this.stopped) return;
    const { clock, timeZone, runTime } = this.options;
    const now = clock.now();
    const instant = nextInstant(now, runTime, timeZone);
    this.nextRun = instant;
    const prepareAt = instant - (this.options.prepareLeadMs ?? 60_000);
    const warmAt = instant - (this.options.warmLeadMs ?? 5_000);
    const steps: Array<[number, () => Promise<unknown>]> = [
      [prepareAt, () => this.options.work.prepare(instant)],
      [warmAt, () => this.options.work.warm(instant)],
    ];
    for (const [at, step] of steps) {
      if (at > now) this.at(at, () => this.track(this.safely('prepare', step)));
      else void this.track(this.safely('prepare', step)); // started within the lead: prepare at once
    }
    this.at(instant, async () => {
      const log = await this.options.runLog.read();
      const day = calendarDate(instant, timeZone);
      if (log.lastRun?.day === day && log.lastRun.finishedAt !== null) {
        this.log.warn('run already done for this day; skipped', { day });
      } else {
        await this.track(this.runDay(instant, { catchUp: false, missedDays: [] }));
      }
      this.armRun();
    });
  }

  private armReminder(): void {
    const time = this.options.reminderTime;
    if (this.stopped || !time) return;
    const instant = nextInstant(this.options.clock.now(), time, this.options.timeZone);
    this.nextReminder = instant;
    this.at(instant, async () => {
      await this.track(this.remindDay(instant));
      this.armReminder();
    });
  }

  private async runDay(instant: number, context: { catchUp: boolean; missedDays: readonly CalendarDate[] }): Promise<void> {
    const day = calendarDate(instant, this.options.timeZone);
    const startedAt = new Date(this.options.clock.now()).toISOString();
    await this.options.runLog.update((f) => {
      f.lastRun = { day, startedAt, finishedAt: null, counts: null, ok: null };
    });
    const result = await this.safely('run', () => this.options.work.run(instant, context));
    await this.options.runLog.update((f) => {
      f.lastRun = {
        day,
        startedAt,
        finishedAt: new Date(this.options.clock.now()).toISOString(),
        counts: result?.counts ?? null,
        ok: result?.ok ?? false,
      };
    });
  }

  private async remindDay(instant: number): Promise<void> {
    const day = calendarDate(instant, this.options.timeZone);
    await this.safely('reminder', () => this.options.work.remind(instant));
    await this.options.runLog.update((f) => {
      f.lastReminderDay = day;
    });
  }

  private at(instant: number, fire: () => Promise<unknown>): void {
    const job = schedule.scheduleJob(new Date(instant), () => {
      this.jobs.delete(job!);
      void fire();
    });
    if (job) this.jobs.add(job);
    else void fire(); // node-schedule refuses instants already past (a slow start): run now
  }

  private async safely<T>(what: string, task: () => Promise<T>): Promise<T | undefined> {
    try {
      return await task();
    } catch (error) {
      this.log.error(`scheduled ${what} failed`, { error });
      return undefined;
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }
}
