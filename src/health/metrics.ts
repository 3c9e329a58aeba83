/**
 * The bot's Prometheus metrics, served by the health server at GET /metrics (text format 0.0.4).
 *
 * prom-client is the maintained Node client. This class keeps its OWN registry, never prom-client's
 * global one: two bots (or two tests) in one process count separately, and a library that writes
 * into the global registry cannot leak into our output. Node's default process metrics go into the
 * same registry under the `oneflex_bot_` prefix.
 *
 * Every label value is a fixed word (or a channel name from the configuration), never user data, so
 * the number of series stays small. Counters are created at zero for every known label value, so a
 * `rate()` or an alert on "failed > 0" works from the first scrape instead of from the first failure.
 * Timestamps are in seconds since the epoch; 0 means "unknown" or "never".
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryObserver } from '../notify/dispatcher.js';
import { systemClock, type Clock } from '../time.js';

export const METRICS_PREFIX = 'oneflex_bot_';

export const RUN_RESULTS = ['ok', 'failed', 'skipped'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

export const BOOKING_RESULTS = ['created', 'already_booked', 'skipped', 'failed', 'cancelled'] as const;
export type BookingResult = (typeof BOOKING_RESULTS)[number];

export const NOTIFICATION_RESULTS = ['delivered', 'retried', 'failed', 'disabled'] as const;
export type NotificationResult = (typeof NOTIFICATION_RESULTS)[number];

export const TOKEN_REFRESH_RESULTS = ['ok', 'failed'] as const;

/** The runner's outcome statuses (src/booking/runner.ts) as metric labels; a dry run's 'would-book' is not a booking. */
const OUTCOME_TO_BOOKING_RESULT: Readonly<Record<string, BookingResult | undefined>> = {
  created: 'created',
  'already-booked': 'already_booked',
  skipped: 'skipped',
  failed: 'failed',
  cancelled: 'cancelled',
};

export interface MetricsOptions {
  /** The package version, exported as `oneflex_bot_info{version}`. */
  readonly version: string;
  /** Where `oneflex_bot_last_run_timestamp_seconds` takes the time from. */
  readonly clock?: Clock;
  /** Channel names known at start-up: their notification counters start at zero. */
  readonly channels?: readonly string[];
  /** Node's process metrics (CPU, memory, event loop, GC); on unless a test turns them off. */
  readonly defaultMetrics?: boolean;
}

/** Also the dispatcher's DeliveryObserver: pass it as `observer` to createNotifications. */
export class Metrics implements DeliveryObserver {
  /** The Content-Type header of `metricsText()`. */
  readonly contentType: string;
  private readonly registry = new Registry();
  private readonly clock: Clock;
  private readonly runs: Counter<'result'>;
  private readonly bookings: Counter<'result'>;
  private readonly notifications: Counter<'channel' | 'result'>;
  private readonly tokenRefreshes: Counter<'result'>;
  private readonly outboxDepth: Gauge;
  private readonly tokenExpiresAt: Gauge;
  private readonly incidentOpen: Gauge;
  private readonly lastRunAt: Gauge;
  private readonly samplers: (() => void)[] = [];

  /** The package version (`oneflex_bot_info`), also shown by /healthz. */
  readonly version: string;

  constructor(options: MetricsOptions) {
    this.version = options.version;
    this.clock = options.clock ?? systemClock;
    this.contentType = this.registry.contentType;
    const registers = [this.registry];
    const name = (suffix: string) => `${METRICS_PREFIX}${suffix}`;

    this.runs = new Counter({ name: name('runs_total'), help: 'Scheduled booking runs, by result.', labelNames: ['result'], registers });
    this.bookings = new Counter({
      name: name('bookings_total'),
      help: 'Dates handled by booking runs and commands, by result.',
      labelNames: ['result'],
      registers,
    });
    this.notifications = new Counter({
      name: name('notifications_total'),
      help: 'Notification deliveries, by channel and result (retried counts each retry).',
      labelNames: ['channel', 'result'],
      registers,
    });
    this.tokenRefreshes = new Counter({
      name: name('token_refreshes_total'),
      help: 'OneFlex access token refreshes, by result.',
      labelNames: ['result'],
      registers,
    });
    this.outboxDepth = new Gauge({ name: name('outbox_depth'), help: 'Notifications waiting in the outbox for a retry.', registers });
    this.tokenExpiresAt = new Gauge({
      name: name('token_expires_at_seconds'),
      help: 'When the current OneFlex access token expires, in seconds since the epoch; 0 when unknown.',
      registers,
    });
    this.incidentOpen = new Gauge({
      name: name('token_incident_open'),
      help: '1 while the tokens cannot be renewed and a person must run `oneflex-bot token set`, else 0.',
      registers,
    });
    this.lastRunAt = new Gauge({
      name: name('last_run_timestamp_seconds'),
      help: 'When the last scheduled booking run finished, in seconds since the epoch; 0 before the first.',
      registers,
    });
    const info = new Gauge({ name: name('info'), help: 'Always 1; the labels describe the running bot.', labelNames: ['version'], registers });
    info.set({ version: options.version }, 1);

    for (const result of RUN_RESULTS) this.runs.inc({ result }, 0);
    for (const result of BOOKING_RESULTS) this.bookings.inc({ result }, 0);
    for (const result of TOKEN_REFRESH_RESULTS) this.tokenRefreshes.inc({ result }, 0);
    for (const channel of options.channels ?? []) {
      for (const result of NOTIFICATION_RESULTS) this.notifications.inc({ channel, result }, 0);
    }
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
  }

  /** A scheduled run ended; also sets the last run time. */
  recordRun(result: RunResult): void {
    this.runs.inc({ result });
    this.lastRunAt.set(this.clock.now() / 1000);
  }

  recordBooking(result: BookingResult, n = 1): void {
    if (n > 0) this.bookings.inc({ result }, n);
  }

  /** Counts a run report's outcomes (`report.outcomes`), one booking per date; dry-run outcomes are ignored. */
  recordOutcomes(outcomes: readonly { readonly status: string }[]): void {
    for (const outcome of outcomes) {
      const result = OUTCOME_TO_BOOKING_RESULT[outcome.status];
      if (result) this.bookings.inc({ result });
    }
  }

  recordNotification(channel: string, result: NotificationResult): void {
    this.notifications.inc({ channel, result });
  }

  recordTokenRefresh(ok: boolean): void {
    this.tokenRefreshes.inc({ result: ok ? 'ok' : 'failed' });
  }

  setOutboxDepth(n: number): void {
    this.outboxDepth.set(n);
  }

  /** The access token's expiry in epoch milliseconds, or null when unknown (exported as 0). */
  setTokenExpiry(epochMs: number | null): void {
    this.tokenExpiresAt.set(epochMs === null ? 0 : epochMs / 1000);
  }

  setIncidentOpen(open: boolean): void {
    this.incidentOpen.set(open ? 1 : 0);
  }

  /**
   * Runs `sample` before every scrape, to set gauges from state read at that moment (token
   * expiry, incident, outbox depth) instead of at every change.
   */
  addSampler(sample: () => void): void {
    this.samplers.push(sample);
  }

  /** Every metric in the Prometheus text exposition format. */
  metricsText(): Promise<string> {
    for (const sample of this.samplers) sample();
    return this.registry.metrics();
  }
}
