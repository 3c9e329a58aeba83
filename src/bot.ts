/**
 * The long-running bot (`oneflex-bot run`): the scheduler driving the booking runner, the token
 * kept alive between runs, and tokens given by `token set` in another process picked up without a
 * restart.
 */
import { scheduledMode, type App } from './app.js';
import type { PlanMode } from './booking/plan.js';
import type { PreparedRun } from './booking/runner.js';
import { addDays, type CalendarDate } from './time.js';
import { OneFlexError } from './oneflex/errors.js';
import { Scheduler, type NextRuns } from './schedule/scheduler.js';
import type { Heartbeat } from './notify/heartbeat.js';
import type { Metrics } from './health/metrics.js';

export interface BotOptions {
  /** How often the token state is looked at (refresh ahead of expiry, new tokens saved by another process). */
  readonly tokenCheckIntervalMs?: number;
  readonly prepareLeadMs?: number;
  readonly warmLeadMs?: number;
  /** Pinged after every scheduled run (its /fail form when the run failed). */
  readonly heartbeat?: Heartbeat | undefined;
  /** Picks up notifications left in the outbox by one-off commands that have exited. */
  readonly adoptOutbox?: () => Promise<unknown>;
  readonly adoptIntervalMs?: number;
  readonly metrics?: Metrics | undefined;
}

export interface RunningBot {
  next(): NextRuns;
  readonly stopped: boolean;
  stop(): Promise<void>;
}

export async function startBot(app: App, options: BotOptions = {}): Promise<RunningBot> {
  const { config, runner, tokens } = app;
  const log = app.logger.child({ module: 'bot' });
  const mode = scheduledMode(config);
  let prepared: { instant: number; run: PreparedRun } | undefined;

  const prepare = async (instant: number) => {
    await tokens.prepareForRun();
    prepared = { instant, run: await runner.prepare({ mode, at: instant }) };
    log.info('ready for the booking window', { opensAt: new Date(instant).toISOString(), dates: prepared.run.toBook.length });
  };

  const scheduler = new Scheduler({
    timeZone: config.timeZone,
    runTime: config.booking.time,
    reminderTime: config.booking.reminderTime,
    clock: app.clock,
    runLog: app.runLog,
    logger: app.logger,
    ...(options.prepareLeadMs !== undefined ? { prepareLeadMs: options.prepareLeadMs } : {}),
    ...(options.warmLeadMs !== undefined ? { warmLeadMs: options.warmLeadMs } : {}),
    work: {
      prepare,
      warm: async (instant) => {
        if (prepared?.instant !== instant) return prepare(instant);
        prepared = { instant, run: await runner.prepare({ mode, at: instant }) };
      },
      run: async (instant, context) => {
        const ready = prepared?.instant === instant ? prepared.run : undefined;
        prepared = undefined;
        const paused = (await app.settings.read()).paused;
        if (paused) {
          options.metrics?.recordRun('skipped');
          log.info('scheduled booking is paused; run skipped', { since: paused.since, by: paused.by });
          return { ok: true, counts: { paused: 1 } };
        }
        let report;
        try {
          report = ready
            ? await runner.execute(ready)
            : await runner.run({ mode: catchUpMode(mode, context.missedDays, runner.today(instant), config.booking.daysAhead), at: instant });
        } catch (error) {
          options.metrics?.recordRun('failed');
          void options.heartbeat?.ping(false, `booking run failed: ${(error as Error).message}`);
          throw error;
        }
        const counts: Record<string, number> = {};
        for (const o of report.outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
        log.info('booking run finished', { day: report.today, ...counts });
        options.metrics?.recordOutcomes(report.outcomes);
        options.metrics?.recordRun(counts.failed ? 'failed' : 'ok');
        const summary = Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ');
        void options.heartbeat?.ping(!counts.failed, `booking run ${report.today}: ${summary || 'nothing to do'}`);
        return { ok: !counts.failed, counts };
      },
      remind: async (instant) => {
        await runner.remind(instant);
      },
    },
  });

  // Keep the access token alive between runs (an idle refresh token may time out, and an ended SSO
  // session is then noticed during the day, when the user can act), and pick up new tokens.
  const checkTokens = async () => {
    try {
      await tokens.reloadFromStore();
      if (!tokens.incidentOpen) await tokens.getAccessToken();
    } catch (error) {
      if (!(error instanceof OneFlexError && error.code === 'auth_required')) log.warn('token check failed', { error });
    }
  };
  const timer = setInterval(() => void checkTokens(), options.tokenCheckIntervalMs ?? 15_000);
  const adoptOutbox = options.adoptOutbox;
  const adoptTimer = adoptOutbox
    ? setInterval(() => void adoptOutbox().catch((error: unknown) => log.warn('outbox scan failed', { error })), options.adoptIntervalMs ?? 30_000)
    : undefined;

  try {
    const me = await app.client.whoAmI();
    log.info('signed in to OneFlex', { user: me.name });
  } catch (error) {
    log.error('cannot sign in to OneFlex at start-up; bookings wait for valid tokens', { error });
  }
  await scheduler.start();
  const next = scheduler.next();
  log.info('bot started', { nextRun: next.run, nextReminder: next.reminder ?? undefined });

  let stopped = false;
  return {
    next: () => scheduler.next(),
    get stopped() {
      return stopped;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      clearInterval(adoptTimer);
      await scheduler.stop();
      log.info('bot stopped');
    },
  };
}

/** In single-date mode, the dates of runs missed while the bot was down are booked too. */
function catchUpMode(mode: PlanMode, missedDays: readonly CalendarDate[], today: CalendarDate, daysAhead: number): PlanMode {
  if (mode.kind !== 'single' || missedDays.length === 0) return mode;
  return { kind: 'dates', officeDaysOnly: true, dates: [...missedDays, today].map((d) => addDays(d, daysAhead)) };
}
