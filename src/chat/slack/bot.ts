/**
 * The Slack bot: a Bolt 5 App answering `/oneflex` over Socket Mode (default: an outgoing
 * WebSocket, works behind a NAS's NAT) or HTTP (Slack POSTs to `/slack/events`, signatures checked
 * by Bolt), and the alert channel as a notification channel posting through the Web API.
 *
 * Facts this file relies on (checked with @slack/bolt 5.1.0, see ../shared/chat-protocols.md):
 * - The bot token is checked first with our own `auth.test` (token in the Authorization header;
 *   Bolt's own `auth.test` sends it in the request body). The App is then built with the bot and
 *   user ids it returned, `tokenVerificationEnabled: false` and `deferInitialization`, so that
 *   `app.init()` needs no network. A wrong bot token → `invalid_auth` there; a wrong app token →
 *   `app.start()` rejects. Either way the bot is 'failed' with a clear problem and startSlackBot
 *   resolves: the rest of the program carries on.
 * - A hand-built SocketModeReceiver reads its Web API options from
 *   `installerOptions.clientOptions` only, and mutates them: each gets a fresh copy.
 * - The WebClient's default retry policy retries for ~30 minutes; ours are bounded, and the
 *   alert channel's client rejects 429s at once so that the dispatcher honours Retry-After.
 * - The Socket Mode client reconnects by itself after a `disconnect` message or a dropped socket
 *   (after `clientPingTimeout`, 5 s). But it reconnects with `this.start().then(…)` and no catch:
 *   a failed reconnect (Slack unreachable, app token revoked, or `disconnect()` called before the
 *   new socket's hello) would be an unhandled rejection that ends the process. Its `start` is
 *   therefore wrapped so that such a failure is caught here, and retried with a growing delay or
 *   reported; stop() also lets a connection in progress finish before disconnecting.
 * - Alerts go through the Web API, not the socket: nothing meant for the alert channel waits for
 *   a reconnect.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, SocketModeReceiver, webApi } from '@slack/bolt';
import type { SlackConfig } from '../../config/config.js';
import type { Logger } from '../../logger.js';
import type { NotificationChannel } from '../../notify/channel.js';
import type { ChatCommandHandler, ChatConnection } from '../contract.js';
import { withTimeout } from '../timeout.js';
import { boltLevelOf, createBoltLogger } from './bolt-logger.js';
import { SlackBotChannel } from './channel.js';
import { problemText, slackProblems, type SlackBotProblem } from './problems.js';
import { AUTH_ERRORS, describeSlackError, errorSummary, failureText, isTemporary, type SlackFailure } from './slack-errors.js';
import { registerSlashCommand } from './slash-command.js';

export type { SlackBotProblem, SlackProblemCode } from './problems.js';
export type SlackConnectionState = ChatConnection['state'];

export interface SlackTestOptions {
  /** Socket Mode ping timeout, which is also the reconnect delay (5000 ms by default). */
  readonly clientPingTimeoutMs?: number;
  /** First delay of the Web API retries (500 ms by default); 0 in tests. */
  readonly retryMinTimeoutMs?: number;
  /** HTTP mode: the interface to listen on (all by default: Slack must reach it). */
  readonly host?: string;
  /** First delay before trying to connect again after Slack was unreachable (5000 ms by default). */
  readonly reconnectMinDelayMs?: number;
}

export interface SlackBotOptions {
  readonly config: SlackConfig;
  readonly handler: ChatCommandHandler;
  readonly logger: Logger;
  /**
   * A problem found at start-up or later (alert channel missing, bot not a member, missing scope,
   * token refused, Slack unreachable for a while), safe to show with its fix. main.ts publishes it
   * as a `channel-problem` event. Each problem is reported once (again only if it went away and
   * came back).
   */
  readonly onProblem?: (problem: SlackBotProblem) => void;
  /** The connection state changed (for the health endpoint); optional. */
  readonly onStateChange?: (state: SlackConnectionState) => void;
  readonly testOptions?: SlackTestOptions;
}

export interface SlackBot extends ChatConnection {
  readonly platform: 'slack';
  /** Posts to the alert channel through the Web API; add it to the dispatcher's routes. */
  readonly channel: NotificationChannel;
  /** HTTP mode: the port Bolt listens on (useful with SLACK_PORT=0); undefined in Socket Mode. */
  readonly port: number | undefined;
  /** The problems found so far (start-up checks, refused tokens), each as `message: fix`, safe to show. */
  readonly problems: readonly string[];
  /** Socket Mode or HTTP. */
  readonly mode: SlackConfig['mode']['kind'];
}

const DEFAULT_RETRY = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 } as const;
const API_TIMEOUT_MS = 10_000;
const MAX_RECONNECT_DELAY_MS = 5 * 60_000;
/** How long startSlackBot waits for the first connection before it returns 'connecting'. */
const START_WAIT_MS = 15_000;
const STOP_WAIT_MS = 3_000;
const CONNECTING_WAIT_MS = 1_000;
/** Tell people that Slack is unreachable only when it lasts: a NAS often boots before its network. */
const UNREACHABLE_REPORT_AFTER_ATTEMPTS = 3;

/** A Slack bot not started yet: its channel exists (for the dispatcher's routes), nothing is connected. */
export interface UnstartedSlackBot extends SlackBot {
  /** Connects (see {@link startSlackBot}). Never throws; resolves once connected, failed, or a retry is scheduled. */
  start(): Promise<void>;
}

/**
 * Builds the Slack bot without touching the network, so that main.ts can put its channel in the
 * dispatcher's routes before starting it (start-up problems then have a dispatcher to go to).
 */
export function createSlackBot(options: SlackBotOptions): UnstartedSlackBot {
  return new SlackBotConnection(options);
}

/**
 * Starts the Slack bot. Never throws: a refused token, a missing channel or an unreachable Slack
 * become `state`, `problem(s)` and `onProblem` calls; an unreachable Slack is retried.
 */
export async function startSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const bot = createSlackBot(options);
  await bot.start();
  return bot;
}

class SlackBotConnection implements UnstartedSlackBot {
  readonly platform = 'slack' as const;
  readonly channel: SlackBotChannel;
  readonly mode: SlackConfig['mode']['kind'];
  #state: SlackConnectionState = 'connecting';
  #connectionProblem: string | null = null;
  readonly #problems: SlackBotProblem[] = [];
  #port: number | undefined;
  readonly #options: SlackBotOptions;
  readonly #log: Logger;
  readonly #boltLogger: ReturnType<typeof createBoltLogger>;
  readonly #clientOptions: () => webApi.WebClientOptions;
  readonly #apiClient: webApi.WebClient;
  /** Built once the bot token is known to work (its bot and user ids come from auth.test). */
  #app: App | undefined;
  #receiver: SocketModeReceiver | undefined;
  #server: Server | undefined;
  #stopped = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /** The first start is awaited by startSlackBot; reconnects are the Socket Mode client's. */
  #starting = false;
  #firstStart: Promise<void> | undefined;

  constructor(options: SlackBotOptions) {
    this.#options = options;
    const { config, logger } = options;
    const test = options.testOptions ?? {};
    this.mode = config.mode.kind;
    this.#log = logger.child({ module: 'slack' });
    this.#boltLogger = createBoltLogger(logger);
    const retryConfig = { ...DEFAULT_RETRY, ...(test.retryMinTimeoutMs !== undefined ? { minTimeout: test.retryMinTimeoutMs, maxTimeout: Math.max(test.retryMinTimeoutMs, 1) } : {}) };
    // A fresh object each time: Bolt and the Socket Mode client write into what they are given.
    this.#clientOptions = () => ({
      ...(config.apiUrl ? { slackApiUrl: withTrailingSlash(config.apiUrl) } : {}),
      retryConfig: { ...retryConfig },
      timeout: API_TIMEOUT_MS,
      // A rate-limited call fails at once (with its Retry-After) instead of stalling every call behind it.
      rejectRateLimitedCalls: true,
    });
    // The token goes in the Authorization header of every call, never in a body.
    this.#apiClient = new webApi.WebClient(config.botToken, { ...this.#clientOptions(), logger: this.#boltLogger });
    this.channel = new SlackBotChannel({ client: this.#apiClient, botToken: config.botToken, alertChannel: config.alertChannel, ownerId: config.ownerId, logger });
  }

  /**
   * The Bolt App, with the ids auth.test gave: Bolt then skips its own auth.test (which would send
   * the token in the request body) and needs no network to initialise.
   */
  #createApp(identity: { botId: string | undefined; botUserId: string | undefined }): App {
    const { config, logger } = this.#options;
    const test = this.#options.testOptions ?? {};
    const logLevel = boltLevelOf(logger);
    const common = {
      token: config.botToken,
      ...(identity.botId ? { botId: identity.botId } : {}),
      ...(identity.botUserId ? { botUserId: identity.botUserId } : {}),
      tokenVerificationEnabled: false,
      clientOptions: this.#clientOptions(),
      logger: this.#boltLogger,
      logLevel,
      deferInitialization: true,
    };
    let app: App;
    if (config.mode.kind === 'socket') {
      this.#receiver = new SocketModeReceiver({
        appToken: config.mode.appToken,
        logger: this.#boltLogger,
        logLevel,
        ...(test.clientPingTimeoutMs !== undefined ? { clientPingTimeout: test.clientPingTimeoutMs } : {}),
        installerOptions: { clientOptions: this.#clientOptions() },
      });
      this.#guardReconnects(this.#receiver);
      app = new App({ ...common, receiver: this.#receiver });
    } else {
      app = new App({ ...common, signingSecret: config.mode.signingSecret });
    }
    registerSlashCommand(app, { handler: this.#options.handler, logger, ownerId: config.ownerId });
    return app;
  }

  get state(): SlackConnectionState {
    return this.#state;
  }

  get problem(): string | null {
    return this.#connectionProblem;
  }

  get problems(): readonly string[] {
    return this.#problems.map(problemText);
  }

  get port(): number | undefined {
    return this.#port;
  }

  /** Connects once; calling it again returns the same promise. */
  start(): Promise<void> {
    this.#firstStart ??= this.#attempt();
    return this.#firstStart;
  }

  /** One attempt at connecting; schedules the next one when Slack was unreachable. Never throws. */
  async #attempt(): Promise<void> {
    if (this.#stopped) return;
    this.#starting = true;
    try {
      await this.#connect();
    } catch (error) {
      // Not expected (every step handles its own failures); counted as temporary, so retried.
      this.#onConnectFailure(error, 'SLACK_BOT_TOKEN');
    } finally {
      this.#starting = false;
    }
  }

  async #connect(): Promise<void> {
    this.#setState('connecting');
    let app = this.#app;
    if (!app) {
      let identity: { bot_id?: string; user_id?: string };
      try {
        identity = await this.#apiClient.auth.test();
      } catch (error) {
        this.#onConnectFailure(error, 'SLACK_BOT_TOKEN');
        return;
      }
      if (this.#stopped) return;
      app = this.#createApp({ botId: identity.bot_id, botUserId: identity.user_id });
      await app.init(); // no network: the identity is known
      this.#app = app;
      // The alert channel, checked once the token is known to work.
      for (const problem of await this.channel.prepare()) this.#report(problem);
      if (this.#stopped) return;
    }
    try {
      if (this.#receiver) {
        // Bounded: when Slack is slow to hand out a socket, startSlackBot returns 'connecting'
        // and the connection completes (or fails, and is reported) in the background.
        const started = app.start().then(
          () => true,
          (error: unknown) => {
            this.#onConnectFailure(error, 'SLACK_APP_TOKEN');
            return false;
          },
        );
        const connected = await Promise.race([started, delay(START_WAIT_MS).then(() => null)]);
        if (connected === true) this.#onConnected();
      } else if (this.#options.config.mode.kind === 'http') {
        const { port } = this.#options.config.mode;
        const host = this.#options.testOptions?.host;
        this.#server = await app.start(host ? { port, host } : { port });
        if (this.#stopped) {
          // stop() landed while the server was starting: it must not stay open.
          await app.stop().catch(() => undefined);
          return;
        }
        this.#port = (this.#server.address() as AddressInfo | null)?.port ?? port;
        this.#log.info('listening for Slack requests', { port: this.#port, path: '/slack/events' });
        this.#onConnected();
      }
    } catch (error) {
      this.#onConnectFailure(error, this.#receiver ? 'SLACK_APP_TOKEN' : 'SLACK_PORT');
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    try {
      if (this.#receiver) {
        const client = this.#receiver.client;
        // Disconnecting between a socket's opening and its hello makes the client log WebSocket
        // errors (and reject its pending start): let a connection in progress finish first.
        if (this.#state === 'connecting') await withTimeout(new Promise((resolve) => client.once('connected', resolve)), CONNECTING_WAIT_MS);
        // app.stop() would return before the socket is closed; the client's disconnect() resolves after.
        await withTimeout(client.disconnect(), STOP_WAIT_MS);
      } else if (this.#server && this.#app) {
        const server = this.#server;
        await withTimeout(this.#app.stop(), STOP_WAIT_MS);
        server.closeAllConnections();
      }
    } catch (error) {
      this.#log.warn('Slack did not stop cleanly', { error: errorSummary(error) });
    }
    this.#setState('disconnected');
    this.#log.info('disconnected from Slack');
  }

  /**
   * The Socket Mode client's own state changes, and a guard around its `start`: a reconnect that
   * fails must not become an unhandled rejection.
   */
  #guardReconnects(receiver: SocketModeReceiver): void {
    const client = receiver.client;
    client.on('connected', () => {
      // stop() landed while a connection was being opened: close it, or it would keep the process alive.
      if (this.#stopped) void client.disconnect();
      else this.#onConnected();
    });
    client.on('reconnecting', () => this.#setState('connecting'));
    client.on('close', () => {
      if (!this.#stopped && this.#state === 'connected') {
        this.#log.info('Slack Socket Mode connection closed; reconnecting');
        this.#setState('disconnected');
      }
    });
    const start = client.start.bind(client);
    client.start = async () => {
      if (this.#starting || this.#stopped) return start();
      try {
        return await start();
      } catch (error) {
        this.#onConnectFailure(error, 'SLACK_APP_TOKEN');
        return { ok: false };
      }
    };
  }

  #onConnected(): void {
    if (this.#stopped) return;
    this.#failures = 0;
    if (this.#connectionProblem) this.#log.info('Slack reachable again');
    this.#connectionProblem = null;
    this.#forget('unreachable');
    if (this.#state !== 'connected') this.#log.info('connected to Slack', { mode: this.mode });
    this.#setState('connected');
  }

  /** A refused token ends in 'failed'; anything temporary is tried again later. */
  #onConnectFailure(error: unknown, variable: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_PORT'): void {
    if (this.#stopped) return;
    const failure = describeSlackError(error);
    const fatal = fatalProblem(failure, error, variable, this.#options.config);
    if (fatal) {
      this.#connectionProblem = fatal.message;
      this.#log.error('slack bot cannot connect', { problem: fatal.message });
      this.#report(fatal);
      this.#setState('failed');
      return;
    }
    this.#failures += 1;
    const base = this.#options.testOptions?.reconnectMinDelayMs ?? 5_000;
    const wait = Math.min(MAX_RECONNECT_DELAY_MS, base * 2 ** Math.min(this.#failures - 1, 10));
    this.#connectionProblem = `Slack is unreachable (${failureText(failure)}); trying again in ${Math.ceil(wait / 1000)} s`;
    this.#log.warn('slack bot cannot connect; will try again', { reason: failureText(failure), retryInMs: wait, attempt: this.#failures });
    if (this.#failures >= UNREACHABLE_REPORT_AFTER_ATTEMPTS) this.#report(slackProblems.unreachable(failureText(failure)));
    this.#setState('disconnected');
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#retry(), wait);
    this.#retryTimer.unref();
  }

  async #retry(): Promise<void> {
    if (this.#stopped) return;
    if (this.#receiver) {
      // The Socket Mode client's guarded start: a failure comes back through #onConnectFailure.
      this.#setState('connecting');
      await this.#receiver.client.start();
      return;
    }
    await this.#attempt();
  }

  #report(problem: SlackBotProblem): void {
    if (this.#problems.some((known) => known.code === problem.code && known.message === problem.message)) return;
    this.#problems.push(problem);
    this.#log.warn('slack problem', { code: problem.code, problem: problem.message, fix: problem.fix });
    try {
      this.#options.onProblem?.(problem);
    } catch (error) {
      this.#log.error('onProblem callback failed', { error: errorSummary(error) });
    }
  }

  /** The problem went away: reported again if it comes back. */
  #forget(code: SlackBotProblem['code']): void {
    const index = this.#problems.findIndex((known) => known.code === code);
    if (index !== -1) this.#problems.splice(index, 1);
  }

  #setState(state: SlackConnectionState): void {
    if (this.#state === state) return;
    // 'failed' stays until stop(): only a new token (a restart) can fix it.
    if (this.#state === 'failed' && state !== 'disconnected') return;
    this.#state = state;
    try {
      this.#options.onStateChange?.(state);
    } catch (error) {
      this.#log.error('onStateChange callback failed', { error: errorSummary(error) });
    }
  }
}

/** A problem that waiting will not fix, or null when trying again may help. */
function fatalProblem(
  failure: SlackFailure,
  error: unknown,
  variable: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_PORT',
  config: SlackConfig,
): SlackBotProblem | null {
  if (variable === 'SLACK_PORT') {
    const code = (error as { code?: unknown } | null)?.code;
    const port = config.mode.kind === 'http' ? config.mode.port : 0;
    if (code === 'EADDRINUSE') return slackProblems.portUnavailable(port, 'already in use');
    return slackProblems.portUnavailable(port, typeof code === 'string' ? code : failureText(failure));
  }
  const refused = variable === 'SLACK_APP_TOKEN' ? slackProblems.appTokenRefused : slackProblems.botTokenRefused;
  if (failure.kind === 'platform') {
    if (AUTH_ERRORS.has(failure.error)) return refused(failure.error);
    if (failure.error === 'missing_scope') {
      return variable === 'SLACK_APP_TOKEN' ? refused(`missing_scope: needs ${failure.needed ?? 'connections:write'}`) : slackProblems.missingScope(failure.needed ?? '?', 'to start');
    }
    if (!isTemporary(failure)) return refused(failure.error);
    return null;
  }
  if (failure.kind === 'http' && (failure.status === 404 || failure.status === 400 || failure.status === 401 || failure.status === 403)) {
    return { code: 'unreachable', message: `Slack answered HTTP ${failure.status}`, fix: 'check SLACK_API_URL (leave it empty for slack.com)' };
  }
  // Network, 5xx, rate limits and the unexpected: trying again later may help.
  return null;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

