/**
 * The booking core, wired: tokens, client, runner and state, from a Config. main.ts builds one per
 * process; `demo`, tests and the benchmark build theirs against the sandbox.
 */
import { BookingState } from './booking/booking-state.js';
import { loadHolidayCalendar } from './booking/holidays.js';
import type { PlanMode } from './booking/plan.js';
import { BookingRunner } from './booking/runner.js';
import type { Config } from './config/config.js';
import type { Logger } from './logger.js';
import type { ChannelHealth, TestSendReport } from './notify/dispatcher.js';
import type { BotEvent, EventSink } from './notify/events.js';
import { OneFlexClient } from './oneflex/client.js';
import { fetchPost, type HttpPost } from './oneflex/http.js';
import { TokenManager } from './oneflex/token-manager.js';
import { TokenStore } from './oneflex/token-store.js';
import { RunLog } from './schedule/run-log.js';
import { UserSettingsStore } from './state/user-settings.js';
import type { SecretRegistry } from './secrets.js';
import { systemClock, type Clock } from './time.js';

export interface AppDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly secrets: SecretRegistry;
  readonly events: EventSink;
  /** The notification channels, for test alerts and status; none when not given. */
  readonly notifier?: Notifier;
  /** The .env file the tokens were read from, if they were: refreshed tokens are written back there. */
  readonly tokenEnvFile?: string | undefined;
  readonly clock?: Clock;
  readonly post?: HttpPost;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly retryDelaysMs?: readonly number[];
  /** Told of every token refresh attempt (metrics). */
  readonly onTokenRefresh?: (ok: boolean) => void;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly notifier: Notifier;
  readonly tokens: TokenManager;
  readonly client: OneFlexClient;
  readonly runner: BookingRunner;
  readonly bookingState: BookingState;
  readonly runLog: RunLog;
  /** Vacations and pause set from chat. */
  readonly settings: UserSettingsStore;
}

export async function createApp(deps: AppDependencies): Promise<App> {
  const { config, logger, secrets, events } = deps;
  const clock = deps.clock ?? systemClock;
  const post = deps.post ?? fetchPost;
  let envWriteWarned = false; // a read-only config mount fails every refresh: say it once
  const store = new TokenStore({
    stateDir: config.stateDir,
    configured: { accessToken: config.oneflex.token, refreshToken: config.oneflex.refreshToken },
    envFile: deps.tokenEnvFile,
    now: () => new Date(clock.now()),
    onEnvWriteError: (error) => {
      if (envWriteWarned) return;
      envWriteWarned = true;
      logger.warn('cannot update the tokens in the .env file (read-only?); they are kept in STATE_DIR, which is enough', { error });
    },
  });
  const tokens = new TokenManager({
    baseUrl: config.oneflex.url,
    timeoutMs: config.oneflex.timeoutMs,
    post,
    store,
    clock,
    events,
    logger,
    secrets,
    ...(deps.onTokenRefresh ? { onRefresh: deps.onTokenRefresh } : {}),
  });
  await tokens.init();
  const client = new OneFlexClient({
    baseUrl: config.oneflex.url,
    timeoutMs: config.oneflex.timeoutMs,
    post,
    tokens,
    logger,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
  });
  const bookingState = new BookingState(config.stateDir);
  const settings = new UserSettingsStore(config.stateDir);
  const runner = new BookingRunner({
    client,
    settings: { ...config.booking, timeZone: config.timeZone, desk: config.oneflex.desk },
    state: bookingState,
    // Computed at the first plan, not here: check, show, token set… never need it.
    holidays: memoize(() => loadHolidayCalendar(config.booking.publicHolidays, config.locale, bookableYears(clock.now(), config.booking.windowDays))),
    events,
    clock,
    logger,
    extraVacations: async () => (await settings.read()).vacations,
  });
  const notifier = deps.notifier ?? noNotifier;
  return { config, logger, clock, events, notifier, tokens, client, runner, bookingState, runLog: new RunLog(config.stateDir), settings };
}

/** What commands see of the notification system (the dispatcher implements it). */
export interface Notifier {
  /** Sends one event to every channel now, once, and reports per channel. */
  sendNow(event: BotEvent): Promise<TestSendReport[]>;
  health(): ChannelHealth[];
  readonly pending: number;
}

const noNotifier: Notifier = { sendNow: async () => [], health: () => [], pending: 0 };

/** Last year to five years past the booking window: later years are computed when first asked. */
function bookableYears(now: number, windowDays: number): number[] {
  const first = new Date(now).getUTCFullYear() - 1;
  const last = new Date(now + (windowDays + 5 * 366) * 86_400_000).getUTCFullYear();
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** The scheduled run's mode: recurring when RECURRING_WEEKS > 0, else the single date. */
export function scheduledMode(config: Config): PlanMode {
  return config.booking.recurringWeeks > 0
    ? { kind: 'recurring', weeks: config.booking.recurringWeeks }
    : { kind: 'single', daysAhead: config.booking.daysAhead };
}

/** `load()` once; a failure is not kept, so the next call tries again. */
function memoize<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
