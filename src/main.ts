/**
 * The composition root, and the only reader of process.env and of .env files (dotenv).
 * Builds the logger, the configuration and the app, runs the command, maps errors to exit codes:
 * 0 ok, 1 some bookings failed or runtime error, 2 bad configuration or usage, 3 authentication
 * needs a person.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { findCommand } from '../commands/index.js';
import { createApp, scheduledMode, type App } from './app.js';
import { startBot, type RunningBot } from './bot.js';
import { startChat } from './chat/start.js';
import type { ChatConnection } from './chat/contract.js';
import { Metrics } from './health/metrics.js';
import { describeHealth, startHealthServer } from './health/server.js';
import { DeskCandidates } from './booking/runner.js';
import type { CommandArgs, CommandResult } from './command-contract.js';
import { loadConfig, type Config, type Env } from './config/config.js';
import { parseCommandLine, USAGE, type CommandLine } from './cli/args.js';
import { renderResult } from './cli/output.js';
import { parseTokenInput, promptHidden, readAll } from './cli/token-input.js';
import { AppError, ConfigError, UsageError, UserFacingError, errorMessage } from './errors.js';
import { translator, type Translate } from './i18n.js';
import { createLogger, type Logger } from './logger.js';
import type { Dispatcher } from './notify/dispatcher.js';
import { FanOutSink, LogEventSink, MemoryEventSink } from './notify/events.js';
import { createNotifications, type NotificationSetup } from './notify/setup.js';
import { parseTestAlertType, runTestAlert } from './notify/test-alert.js';
import { OneFlexError } from './oneflex/errors.js';
import { userLabel } from './oneflex/schemas.js';
import { SecretRegistry } from './secrets.js';
import { nextInstant } from './schedule/scheduler.js';

export interface Io {
  readonly argv: readonly string[];
  readonly env: Env;
  readonly cwd: string;
  readonly stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3 } as const;

export async function main(io: Io): Promise<number> {
  const secrets = new SecretRegistry();
  // Scrubbed like the errors: a test-alert report quotes what remote servers answered.
  const print = (text: string) => io.stdout.write(`${secrets.scrub(text)}\n`);
  const printError = (text: string) => io.stderr.write(`${secrets.scrub(text)}\n`);
  let cli: CommandLine;
  try {
    cli = parseCommandLine(io.argv);
  } catch (error) {
    printError(errorMessage(error));
    return EXIT.usage;
  }
  if (cli.version) {
    print(readVersion());
    return EXIT.ok;
  }
  if (cli.command === 'help') {
    print(USAGE);
    return EXIT.ok;
  }

  let loaded: { config: Config; envFile: string | undefined; fileEnv: Env };
  try {
    loaded = loadEnvironment(cli, io);
  } catch (error) {
    printError(errorMessage(error));
    return EXIT.usage;
  }
  const { config, envFile, fileEnv } = loaded;
  for (const s of config.secrets) secrets.add(s);
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets, stream: io.stderr });
  const t = translator(config.locale);

  let dispatcher: Dispatcher | undefined;
  try {
    if (cli.command === 'demo') {
      // The demo prints its own story; its log shows only problems unless LOG_LEVEL asks for more.
      const quiet = io.env.LOG_LEVEL ? logger : createLogger({ level: 'warn', format: config.log.format, secrets, stream: io.stderr });
      // Loaded only here: the sandbox (and graphql) has no place in the running bot's memory.
      const { runDemo } = await import('./demo.js');
      return await runDemo({ locale: config.locale, timeZone: config.timeZone, json: cli.json, print, logger: quiet });
    }
    const memory = new MemoryEventSink();
    const metrics = cli.command === 'run' ? new Metrics({ version: readVersion() }) : undefined;
    const notifications = createNotifications({ config, logger, ...(metrics ? { observer: metrics } : {}) });
    dispatcher = notifications.dispatcher;
    // The long-running bot adds its chat channels first; they need the app built below.
    if (cli.command !== 'run') await dispatcher.start();
    const events = new FanOutSink([new LogEventSink(logger.child({ module: 'events' })), memory, dispatcher]);
    const tokensFromEnvFile =
      envFile !== undefined &&
      config.tokenSources.token !== 'file' &&
      io.env.ONEFLEX_TOKEN === undefined &&
      io.env.ONEFLEX_REFRESH_TOKEN === undefined;
    const app = await createApp({
      config,
      logger,
      secrets,
      events,
      notifier: dispatcher,
      tokenEnvFile: tokensFromEnvFile ? envFile : undefined,
      ...(metrics ? { onTokenRefresh: (ok: boolean) => metrics.recordTokenRefresh(ok) } : {}),
    });
    logger.debug('configuration loaded', { envFile: envFile ?? null, tokensInEnvFile: Boolean(fileEnv.ONEFLEX_TOKEN) });

    switch (cli.command) {
      case 'run':
        return await runForever(app, logger, notifications, metrics!);
      case 'test-alert':
        return await testAlert(app, { type: cli.type, json: cli.json, print, printError, t });
      case 'check':
        return await check(app, { envFile, json: cli.json, print, t });
      case 'token':
        return await tokenSet(app, io, { print, printError, t });
      case 'book':
      case 'recurring':
      case 'show':
      case 'cancel': {
        const name = cli.command === 'recurring' ? 'book' : cli.command;
        const args: CommandArgs =
          cli.command === 'recurring'
            ? { weeks: cli.weeks ?? String(config.booking.recurringWeeks || 4), force: cli.force, 'dry-run': cli.dryRun }
            : { date: cli.date, force: cli.force, 'dry-run': cli.dryRun, weeks: cli.weeks, days: cli.days };
        const result = await findCommand(name)!.execute({ app, locale: config.locale, t }, args);
        if (cli.json) print(JSON.stringify({ ...result, events: memory.events }, null, 2));
        else print(renderResult(result, t, config.locale));
        return exitCodeOf(result);
      }
      default:
        throw new Error(`command ${cli.command} is handled before the app is built`);
    }
  } catch (error) {
    return reportError(error, { printError, logger, t });
  } finally {
    if (dispatcher && cli.command !== 'run') await finishNotifications(dispatcher, logger);
  }
}

/** A one-off command waits a little for its notifications; what is left stays in the outbox for the bot. */
async function finishNotifications(dispatcher: Dispatcher, logger: Logger): Promise<void> {
  if (!(await dispatcher.drain(15_000))) {
    logger.warn('notifications still pending; they stay in the outbox and go out with the next start', { pending: dispatcher.pending });
  }
  await dispatcher.stop();
}

async function testAlert(
  app: App,
  { type, json, print, printError, t }: { type: string | undefined; json: boolean; print: (s: string) => void; printError: (s: string) => void; t: Translate },
): Promise<number> {
  const result = await runTestAlert(app.notifier, parseTestAlertType(type), app.clock, app.config.timeZone);
  if (json) print(JSON.stringify(result, null, 2));
  if (result.reports.length === 0) {
    printError(t('test-alert.none'));
    return EXIT.usage;
  }
  if (!json) {
    for (const r of result.reports) {
      print(r.ok ? t('test-alert.ok', { channel: r.channel, ms: r.ms }) : t('test-alert.failed', { channel: r.channel, ms: r.ms, error: r.error ?? '' }));
    }
  }
  return result.reports.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
}

function exitCodeOf(result: CommandResult): number {
  if (result.kind !== 'run') return EXIT.ok;
  const failed = result.report.outcomes.filter((o) => o.status === 'failed');
  if (failed.some((o) => o.code === 'auth_required' || o.code === 'unauthorized')) return EXIT.auth;
  return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

function reportError(error: unknown, { printError, logger, t }: { printError: (s: string) => void; logger: Logger; t: Translate }): number {
  if (error instanceof OneFlexError && (error.code === 'auth_required' || error.code === 'unauthorized')) {
    printError(error.code === 'auth_required' ? t('auth.required') : error.message);
    return EXIT.auth;
  }
  if (error instanceof UserFacingError || error instanceof UsageError || error instanceof ConfigError) {
    printError(error.message);
    return EXIT.usage;
  }
  if (error instanceof AppError) {
    printError(`Error: ${error.message}`);
    return EXIT.failed;
  }
  logger.error('unexpected error', { error });
  printError(`Unexpected error: ${errorMessage(error)}`);
  return EXIT.failed;
}

/** Finds the .env (--env-file, $ENV_FILE, ./config/.env, ./.env), merges it under the real environment. */
function loadEnvironment(cli: CommandLine, io: Io): { config: Config; envFile: string | undefined; fileEnv: Env } {
  const explicit = cli.envFile ?? io.env.ENV_FILE;
  let envFile: string | undefined;
  if (explicit) {
    envFile = path.resolve(io.cwd, explicit);
    if (!existsSync(envFile)) {
      throw new UsageError(`The .env file ${envFile} does not exist (given by ${cli.envFile ? '--env-file' : 'ENV_FILE'}).`);
    }
  } else {
    envFile = [path.join(io.cwd, 'config', '.env'), path.join(io.cwd, '.env')].find((f) => existsSync(f));
  }
  const fileEnv: Env = envFile ? dotenv.parse(readFileSync(envFile)) : {};
  const env: Env = { ...fileEnv, ...io.env };
  const config = loadConfig(env, { readSecretFile: (p) => readFileSync(path.resolve(io.cwd, p), 'utf8') });
  return { config, envFile, fileEnv };
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function runForever(app: App, logger: Logger, notifications: NotificationSetup, metrics: Metrics): Promise<number> {
  const { config } = app;
  const { dispatcher } = notifications;
  // Listen before starting: a signal during start-up must still stop the bot cleanly.
  const stopRequested = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal });
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const chat = await startChat(app, logger, dispatcher);
  await dispatcher.start();

  metrics.addSampler(() => {
    const status = app.tokens.status();
    metrics.setTokenExpiry(status.expiresAt ? Date.parse(status.expiresAt) : null);
    metrics.setIncidentOpen(status.state === 'incident');
  });
  let bot: RunningBot | undefined;
  // Up before the scheduler: a catch-up run at start-up must not make the container look dead.
  const health = config.health
    ? await startHealthServer({
        host: config.health.host,
        port: config.health.port,
        metrics,
        logger,
        status: async () => {
          const next = bot?.next();
          return describeHealth({
            now: app.clock.now(),
            version: metrics.version,
            token: app.tokens.status(),
            lastRun: (await app.runLog.read()).lastRun,
            nextRuns: next ? [next.run, next.reminder] : [],
            scheduler: !bot || bot.stopped ? (bot ? 'stopped' : 'running') : (await app.settings.read()).paused ? 'paused' : 'running',
            chat: Object.fromEntries(chat.connections.map((c) => [c.platform, chatState(c.state)])),
            outboxPending: dispatcher.pending,
          });
        },
      })
    : undefined;
  if (health) logger.info('health endpoint listening', { url: `${health.url}/healthz` });

  bot = await startBot(app, { heartbeat: notifications.heartbeat, adoptOutbox: () => dispatcher.adopt(), metrics });
  await stopRequested;
  // Graceful: no new runs, the in-flight one finishes; deliveries get a moment and the rest stays
  // in the outbox; chat connections close; all within Docker's 10 s.
  await bot.stop();
  await dispatcher.drain(3000);
  await dispatcher.stop();
  await Promise.allSettled(chat.connections.map((c) => c.stop()));
  await health?.close();
  return EXIT.ok;
}

function chatState(state: ChatConnection['state']): 'connected' | 'connecting' | 'disconnected' | 'disabled' {
  return state === 'failed' ? 'disconnected' : state;
}

async function check(
  app: App,
  { envFile, json, print, t }: { envFile: string | undefined; json: boolean; print: (s: string) => void; t: Translate },
): Promise<number> {
  const { config } = app;
  const me = await app.client.whoAmI();
  const desks = await new DeskCandidates(app.client, config.oneflex.desk, app.runner.today()).all();
  const status = app.tokens.status();
  const next = new Date(nextInstant(app.clock.now(), config.booking.time, config.timeZone));
  const mode = scheduledMode(config);
  if (json) {
    print(JSON.stringify({ ok: true, envFile: envFile ?? null, url: config.oneflex.url, user: me, token: status, desks, nextRun: next.toISOString(), mode }, null, 2));
    return EXIT.ok;
  }
  const when = (iso: string) => new Date(iso).toLocaleString(config.locale === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: config.timeZone });
  print(envFile ? t('check.config', { file: envFile }) : t('check.config-env-only'));
  print(t('check.url', { url: config.oneflex.url }));
  print(t('check.user', { user: userLabel(me) }));
  print(status.expiresAt ? t('check.token', { when: when(status.expiresAt) }) : t('check.token-unknown'));
  print(t('check.refresh', { state: t(status.canRefresh ? 'check.refresh-yes' : 'check.refresh-no') }));
  print(desks.length ? t('check.desks', { desks: desks.map((d) => d.deskName ?? d.deskId).join(', ') }) : t('check.no-desk'));
  print(
    t('check.next-run', {
      when: when(next.toISOString()),
      mode: mode.kind === 'recurring' ? t('check.mode-recurring', { weeks: mode.weeks }) : t('check.mode-single', { days: config.booking.daysAhead }),
    }),
  );
  return EXIT.ok;
}

async function tokenSet(
  app: App,
  io: Io,
  { print, printError, t }: { print: (s: string) => void; printError: (s: string) => void; t: Translate },
): Promise<number> {
  const stdin = io.stdin as NodeJS.ReadStream;
  let given;
  if (stdin.isTTY) {
    const accessToken = await promptHidden(t('token.prompt-access'), stdin, io.stderr);
    const refreshToken = await promptHidden(t('token.prompt-refresh'), stdin, io.stderr);
    given = parseTokenInput(`${accessToken}\n${refreshToken}`);
  } else {
    given = parseTokenInput(await readAll(stdin));
  }
  if (!given.accessToken && !given.refreshToken) {
    printError(t('token.none-given'));
    return EXIT.usage;
  }
  const user = await app.tokens.replaceTokens(given);
  print(t('token.stored', { user: userLabel(user) }));
  return EXIT.ok;
}
