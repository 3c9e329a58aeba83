/**
 * The dispatcher: routes each event to the channels that want it, through the outbox, one queue
 * per channel. Per channel, events go out in the order they happened; a temporary failure is
 * retried (exponential backoff with jitter, or exactly what the platform asked for) and holds the
 * queue behind it; a permanent failure disables the channel until its configuration changes, and
 * a warning goes out through the others. `publish` never blocks and never throws: a notification
 * never delays or fails a booking run.
 */
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { JsonStateFile } from '../state/json-state.js';
import type { Clock } from '../time.js';
import { asDeliveryError, type DeliveryError, type NotificationChannel } from './channel.js';
import { createEvent, type BotEvent, type EventSink, type EventType } from './events.js';
import type { NotificationMessage } from './message.js';
import { Outbox, type OutboxEntry } from './outbox.js';

export interface Route {
  readonly channel: NotificationChannel;
  /** The event types this channel receives. */
  readonly events: readonly EventType[];
}

/** Time as the dispatcher sees it; tests inject a virtual one so that backoff never waits for real. */
export interface Timers extends Clock {
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface RetryPolicy {
  /** First backoff delay. */
  readonly baseMs: number;
  /** Backoff never grows past this. */
  readonly maxMs: number;
  /** An event still undelivered after this long is given up (logged): stale news helps nobody. */
  readonly maxAgeMs: number;
  /** Longest Retry-After honoured as given (a larger one is capped here). */
  readonly maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseMs: 1000, maxMs: 5 * 60_000, maxAgeMs: 24 * 3600_000, maxRetryAfterMs: 15 * 60_000 };

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed' | 'disabled';

/** What the dispatcher reports for metrics (the health module implements it). */
export interface DeliveryObserver {
  recordNotification(channel: string, outcome: DeliveryOutcome): void;
  setOutboxDepth(depth: number): void;
}

export interface ChannelHealth {
  readonly id: string;
  readonly label: string;
  readonly state: 'ok' | 'retrying' | 'disabled';
  readonly pending: number;
  readonly lastError: string | null;
  readonly lastDeliveredAt: string | null;
  readonly disabledReason: string | null;
}

export interface TestSendReport {
  readonly channel: string;
  readonly ok: boolean;
  readonly error: string | null;
  readonly ms: number;
}

export interface DispatcherOptions {
  readonly routes: readonly Route[];
  readonly stateDir: string;
  readonly logger: Logger;
  /** Event → the person-facing message (locale and time zone applied). */
  readonly compose: (event: BotEvent) => NotificationMessage;
  readonly timers?: Timers;
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  readonly observer?: DeliveryObserver;
  /** Longest single attempt before it counts as a timeout (the channels have their own too). */
  readonly attemptTimeoutMs?: number;
}

const disabledSchema = z.object({
  version: z.literal(1),
  disabled: z.record(z.string(), z.object({ label: z.string(), since: z.string(), reason: z.string() })),
});
type DisabledState = z.infer<typeof disabledSchema>;

class ChannelQueue {
  readonly entries: OutboxEntry[] = [];
  running = false;
  lastSentAt = -Infinity;
  pauseUntil = 0;
  failures = 0;
  lastError: string | null = null;
  lastDeliveredAt: string | null = null;
  disabled: { since: string; reason: string } | null = null;
  constructor(readonly route: Route) {}
}

export class Dispatcher implements EventSink {
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;
  private readonly outbox: Outbox;
  private readonly disabledFile: JsonStateFile<DisabledState>;
  private disabledState: DisabledState = { version: 1, disabled: {} };
  private readonly queues = new Map<string, ChannelQueue>();
  /** Every entry in memory, by file name. */
  private readonly entries = new Map<string, OutboxEntry>();
  /** Dedupe keys of events already accepted in this process (one `token-expired` per incident). */
  private readonly seen = new Set<string>();
  /** Aborted by stop(): no new attempt starts, waits end at once. */
  private readonly stopping = new AbortController();
  /** Aborted when stop()'s grace period ends: attempts still in flight are cut. */
  private readonly cutting = new AbortController();
  private readonly idleWaiters = new Set<() => void>();
  private readonly workers = new Set<Promise<void>>();

  constructor(private readonly options: DispatcherOptions) {
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.log = options.logger.child({ module: 'notify' });
    this.outbox = new Outbox(options.stateDir);
    this.disabledFile = new JsonStateFile(options.stateDir, 'channels.json', disabledSchema);
    for (const route of options.routes) this.addRoute(route);
  }

  get channels(): readonly NotificationChannel[] {
    return [...this.queues.values()].map((q) => q.route.channel);
  }

  /** Adds a channel built after the dispatcher (the chat bots, which need the app); before `start`. */
  addRoute(route: Route): void {
    if (this.queues.has(route.channel.id)) throw new Error(`two notification channels have the id ${route.channel.id}`);
    this.queues.set(route.channel.id, new ChannelQueue(route));
  }

  /** Loads the disabled channels and what earlier runs left in the outbox, and starts sending it. */
  async start(): Promise<void> {
    try {
      this.disabledState = (await this.disabledFile.read()) ?? this.disabledState;
    } catch (error) {
      this.log.warn('disabled-channel list unreadable; every channel is enabled', { error: (error as Error).message });
    }
    for (const [id, info] of Object.entries(this.disabledState.disabled)) {
      const queue = this.queues.get(id);
      if (queue) {
        queue.disabled = { since: info.since, reason: info.reason };
        this.log.warn('notification channel stays disabled until its configuration changes', { channel: queue.route.channel.label, reason: info.reason });
      }
    }
    await this.adopt();
  }

  /** Picks up entries left by earlier runs or by one-off commands that have exited. */
  async adopt(): Promise<number> {
    const { entries, problems } = await this.outbox.adopt(new Set(this.entries.keys()));
    for (const p of problems) this.log.warn(p);
    for (const entry of entries) {
      for (const id of [...entry.pending]) {
        const queue = this.queues.get(id);
        if (!queue || queue.disabled) entry.pending.delete(id);
      }
      this.seen.add(dedupeKey(entry.event));
      if (entry.pending.size === 0) {
        void this.outbox.save(entry).catch((error: unknown) => this.log.error('outbox write failed', { error: (error as Error).message }));
        continue;
      }
      this.entries.set(entry.name, entry);
      for (const id of entry.pending) this.enqueue(this.queues.get(id)!, entry, Promise.resolve());
    }
    if (entries.length) this.log.info('resuming notifications left in the outbox', { events: entries.length });
    this.reportDepth();
    return entries.length;
  }

  publish(event: BotEvent): void {
    try {
      const key = dedupeKey(event);
      if (this.seen.has(key)) {
        this.log.debug('event already notified; not sent again', { event: event.type, key });
        return;
      }
      this.seen.add(key);
      const about = event.type === 'channel-problem' ? event.data.channelId : undefined;
      const targets = [...this.queues.values()].filter((q) => !q.disabled && q.route.events.includes(event.type) && q.route.channel.id !== about);
      if (targets.length === 0) return;
      const { entry, written } = this.outbox.add(
        event,
        targets.map((q) => q.route.channel.id),
        this.timers.now(),
      );
      this.entries.set(entry.name, entry);
      written.catch((error: unknown) => this.log.error('outbox write failed; sending from memory only', { error: (error as Error).message }));
      for (const queue of targets) this.enqueue(queue, entry, written);
      this.reportDepth();
    } catch (error) {
      this.log.error('could not queue a notification', { event: event.type, error: (error as Error).message });
    }
  }

  /** Resolves once every queue is empty, or after `timeoutMs` (false: something is still pending). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return true;
    return new Promise<boolean>((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = () => done(true);
      const timer = setTimeout(() => done(this.isIdle()), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  /**
   * Stops sending: what is not delivered stays in the outbox for the next start. An attempt already
   * in flight gets `graceMs` to finish, so a message the platform accepted is recorded as accepted
   * and not sent again after the restart.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping.abort(new Error('dispatcher stopped'));
    const cut = setTimeout(() => this.cutting.abort(new Error('dispatcher stopped')), graceMs);
    await Promise.allSettled([...this.workers]); // late bookkeeping lands before the flush
    clearTimeout(cut);
    await this.outbox.flush();
    await Promise.allSettled(this.channels.map((c) => c.close?.()));
  }

  health(): ChannelHealth[] {
    return [...this.queues.values()].map((q) => ({
      id: q.route.channel.id,
      label: q.route.channel.label,
      state: q.disabled ? 'disabled' : q.failures > 0 ? 'retrying' : 'ok',
      pending: q.entries.length,
      lastError: q.lastError,
      lastDeliveredAt: q.lastDeliveredAt,
      disabledReason: q.disabled?.reason ?? null,
    }));
  }

  get pending(): number {
    return this.entries.size;
  }

  /**
   * Sends one event (a test alert) to every channel now, once, outside the queues, and reports
   * per channel. A disabled channel is tried too; if it accepts, it is enabled again.
   */
  async sendNow(event: BotEvent): Promise<TestSendReport[]> {
    const message = this.options.compose(event);
    return Promise.all(
      [...this.queues.values()].map(async (queue): Promise<TestSendReport> => {
        const channel = queue.route.channel;
        const started = performance.now();
        try {
          await channel.send(message, this.attemptSignal());
          queue.lastDeliveredAt = new Date(this.timers.now()).toISOString();
          if (queue.disabled) await this.enable(queue);
          return { channel: channel.label, ok: true, error: null, ms: Math.round(performance.now() - started) };
        } catch (error) {
          const e = asDeliveryError(error);
          return { channel: channel.label, ok: false, error: e.message, ms: Math.round(performance.now() - started) };
        }
      }),
    );
  }

  private enqueue(queue: ChannelQueue, entry: OutboxEntry, written: Promise<void>): void {
    queue.entries.push(entry);
    if (!queue.running) this.startWorker(queue, written);
  }

  private startWorker(queue: ChannelQueue, written: Promise<void>): void {
    const worker = this.work(queue, written);
    this.workers.add(worker);
    void worker.finally(() => this.workers.delete(worker));
  }

  private async work(queue: ChannelQueue, firstWritten: Promise<void>): Promise<void> {
    queue.running = true;
    const channel = queue.route.channel;
    try {
      await firstWritten.catch(() => undefined); // on disk before the first attempt
      while (queue.entries.length && !this.stopping.signal.aborted && !queue.disabled) {
        const entry = queue.entries[0]!;
        await this.pace(queue);
        const outcome = await this.attempt(queue, entry);
        if (outcome === 'next') {
          entry.pending.delete(channel.id);
          if (entry.pending.size === 0) this.entries.delete(entry.name);
          await this.outbox.save(entry).catch((error: unknown) => this.log.error('outbox write failed', { error: (error as Error).message }));
          queue.entries.shift(); // only now: drain() resolves once the outbox says so too
          this.reportDepth();
        }
      }
    } catch (error) {
      if (!this.stopping.signal.aborted) this.log.error('notification worker failed', { channel: channel.label, error: (error as Error).message });
    } finally {
      queue.running = false;
      if (queue.entries.length && !this.stopping.signal.aborted && !queue.disabled) this.startWorker(queue, Promise.resolve());
      else this.notifyIfIdle();
    }
  }

  /** Waits for the channel's minimum gap and any pause the platform asked for. */
  private async pace(queue: ChannelQueue): Promise<void> {
    const wait = Math.max(queue.lastSentAt + queue.route.channel.minIntervalMs, queue.pauseUntil) - this.timers.now();
    if (wait > 0) await this.timers.sleep(wait, this.stopping.signal);
  }

  /** One delivery attempt of the queue's head: 'next' when done with it (delivered or given up), 'again' to retry it. */
  private async attempt(queue: ChannelQueue, entry: OutboxEntry): Promise<'next' | 'again'> {
    const channel = queue.route.channel;
    let error: DeliveryError;
    try {
      const result = await channel.send(this.options.compose(entry.event), this.attemptSignal());
      queue.lastSentAt = this.timers.now();
      queue.pauseUntil = result.waitBeforeNextMs ? queue.lastSentAt + result.waitBeforeNextMs : 0;
      queue.failures = 0;
      queue.lastError = null;
      queue.lastDeliveredAt = new Date(queue.lastSentAt).toISOString();
      this.options.observer?.recordNotification(channel.label, 'delivered');
      this.log.debug('notification delivered', { channel: channel.label, event: entry.event.type, eventId: entry.event.id });
      return 'next';
    } catch (caught) {
      if (this.stopping.signal.aborted) throw caught;
      error = asDeliveryError(caught);
    }
    queue.lastSentAt = this.timers.now();
    queue.lastError = error.message;
    if (error.permanent) {
      await this.disable(queue, error);
      return 'next';
    }
    queue.failures++;
    const age = this.timers.now() - Date.parse(entry.queuedAt);
    if (age > this.retry.maxAgeMs) {
      this.options.observer?.recordNotification(channel.label, 'failed');
      this.log.error('notification given up after retrying too long', { channel: channel.label, event: entry.event.type, attempts: queue.failures, error: error.message });
      queue.failures = 0;
      return 'next';
    }
    const delay = this.backoff(queue.failures, error.retryAfterMs);
    this.options.observer?.recordNotification(channel.label, 'retried');
    this.log.warn('notification not delivered; will retry', {
      channel: channel.label,
      event: entry.event.type,
      attempt: queue.failures,
      retryInMs: delay,
      error: error.message,
    });
    await this.timers.sleep(delay, this.stopping.signal);
    return 'again';
  }

  /** Exponential backoff with jitter; a platform's Retry-After is honoured as given (capped). */
  backoff(failures: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.retry.maxRetryAfterMs);
    const ceiling = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (failures - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async disable(queue: ChannelQueue, error: DeliveryError): Promise<void> {
    const channel = queue.route.channel;
    const since = new Date(this.timers.now()).toISOString();
    queue.disabled = { since, reason: error.message };
    const dropped = queue.entries.splice(0);
    for (const entry of dropped) {
      entry.pending.delete(channel.id);
      if (entry.pending.size === 0) this.entries.delete(entry.name);
      void this.outbox.save(entry).catch(() => undefined);
    }
    this.reportDepth();
    this.options.observer?.recordNotification(channel.label, 'disabled');
    this.log.error('notification channel disabled until its configuration changes', { channel: channel.label, error: error.message, dropped: dropped.length });
    this.disabledState = {
      version: 1,
      disabled: { ...this.disabledState.disabled, [channel.id]: { label: channel.label, since, reason: error.message } },
    };
    await this.disabledFile.write(this.disabledState).catch((e: unknown) => this.log.error('could not save the disabled channel', { error: (e as Error).message }));
    this.publish(
      createEvent(
        'channel-problem',
        {
          channel: channel.label,
          channelId: channel.id,
          problem: error.message,
          fix: 'Fix its configuration and restart the bot (or run a test alert): it is then enabled again.',
        },
        this.timers,
      ),
    );
  }

  private async enable(queue: ChannelQueue): Promise<void> {
    queue.disabled = null;
    const { [queue.route.channel.id]: _, ...rest } = this.disabledState.disabled;
    this.disabledState = { version: 1, disabled: rest };
    await this.disabledFile.write(this.disabledState);
    this.log.info('notification channel enabled again', { channel: queue.route.channel.label });
  }

  private attemptSignal(): AbortSignal {
    return AbortSignal.any([this.cutting.signal, AbortSignal.timeout(this.options.attemptTimeoutMs ?? 30_000)]);
  }

  private isIdle(): boolean {
    return [...this.queues.values()].every((q) => q.entries.length === 0 || q.disabled);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  private reportDepth(): void {
    this.options.observer?.setOutboxDepth(this.entries.size);
  }
}

/** Events that must go out once per incident share a key; others are keyed by their id. */
function dedupeKey(event: BotEvent): string {
  if (event.type === 'token-expired') return `token-expired:${event.data.incidentId}`;
  return event.id;
}
