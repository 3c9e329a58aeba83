/**
 * Builds the notification system the way main.ts does, from environment variables, with a
 * virtual clock (retries and backoff never wait for real) and the log captured.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.js';
import { LineCollector, createLogger } from '../../src/logger.js';
import { realTimers, type Timers } from '../../src/notify/dispatcher.js';
import { createNotifications, type NotificationSetup } from '../../src/notify/setup.js';
import { SecretRegistry } from '../../src/secrets.js';

/** Time that moves only when the code under test sleeps: each sleep is recorded and returns at once. */
export class VirtualTimers implements Timers {
  readonly sleeps: number[] = [];
  private offset = 0;
  constructor(private readonly base = Date.now()) {}
  now(): number {
    return this.base + this.offset;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.offset += ms;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      setImmediate(resolve);
    });
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface NotifyKit extends NotificationSetup {
  readonly config: Config;
  readonly log: LineCollector;
  readonly secrets: SecretRegistry;
  readonly timers: VirtualTimers;
  readonly stateDir: string;
}

export async function notifyKit(
  env: Record<string, string>,
  options: { stateDir?: string; timers?: VirtualTimers; /** The benchmark measures real time. */ realTime?: boolean } = {},
): Promise<NotifyKit> {
  const stateDir = options.stateDir ?? (await mkdtemp(path.join(tmpdir(), 'oneflex-notify-')));
  const config = loadConfig({ STATE_DIR: stateDir, BOT_LOCALE: 'en', ...env }, { readSecretFile: () => '' });
  const secrets = new SecretRegistry(config.secrets);
  const log = new LineCollector();
  const logger = createLogger({ level: config.log.level === 'info' ? 'debug' : config.log.level, format: 'json', secrets, stream: log });
  const timers = options.timers ?? new VirtualTimers();
  const setup = createNotifications({ config, logger, timers: options.realTime ? realTimers : timers });
  await setup.dispatcher.start();
  return { ...setup, config, log, secrets, timers, stateDir };
}
