/**
 * A OneFlex sandbox on 127.0.0.1 and an app wired to it, the way main.ts wires it, with the log
 * and the events captured. Nothing of ours is mocked: the client talks HTTP to the sandbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { LineCollector, createLogger } from '../../src/logger.js';
import { MemoryEventSink } from '../../src/notify/events.js';
import { OneFlexSandbox, type SandboxOptions, type SandboxSeed } from '../../src/sandbox/index.js';
import { SecretRegistry } from '../../src/secrets.js';
import { addDays, calendarDate, type Clock } from '../../src/time.js';

export const USER = 'u-alice';
export const COLLEAGUE = 'u-bob';

export const today = () => calendarDate(Date.now(), 'Europe/Paris');

/** Alice, with favourites A then B then C (and a favourite zone without a desk, to be ignored). */
export function seed(extra: Partial<SandboxSeed> = {}): SandboxSeed {
  return {
    users: [
      { id: USER, email: 'alice@example.com', firstName: 'Alice', lastName: 'Martin' },
      { id: COLLEAGUE, email: 'bob@example.com', firstName: 'Bob', lastName: 'Durand' },
    ],
    desks: [
      { id: 'd-a', name: 'A-01', spaceId: 's-1', spaceName: 'Open space 3F' },
      { id: 'd-b', name: 'B-02', spaceId: 's-1', spaceName: 'Open space 3F' },
      { id: 'd-c', name: 'C-03', spaceId: 's-2', spaceName: 'Open space 4F' },
      { id: 'd-x', name: 'X-99', spaceId: 's-2', spaceName: 'Open space 4F' },
    ],
    favorites: { [USER]: [{ spaceId: 's-2' }, { spaceId: 's-1', deskId: 'd-a' }, { spaceId: 's-1', deskId: 'd-b' }, { spaceId: 's-2', deskId: 'd-c' }] },
    affectations: [],
    ...extra,
  };
}

export interface Harness {
  readonly sandbox: OneFlexSandbox;
  readonly app: App;
  readonly events: MemoryEventSink;
  readonly log: LineCollector;
  readonly stateDir: string;
  readonly tokens: { accessToken: string; refreshToken: string };
  /** Builds another app on the same state (a restart). */
  restart(env?: Record<string, string>): Promise<App>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly sandbox?: SandboxOptions;
  readonly env?: Record<string, string>;
  /** Tokens to configure instead of fresh ones. */
  readonly tokens?: (sandbox: OneFlexSandbox) => { accessToken: string; refreshToken: string };
  readonly clock?: Clock;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = new OneFlexSandbox({ seed: seed(), ...options.sandbox });
  const url = await sandbox.start();
  const stateDir = await mkdtemp(path.join(tmpdir(), 'oneflex-test-'));
  const tokens = options.tokens ? options.tokens(sandbox) : sandbox.issueTokens(USER);
  const events = new MemoryEventSink();
  const log = new LineCollector();
  const build = async (env: Record<string, string> = {}) => {
    const config = loadConfig(
      {
        ONEFLEX_URL: url,
        ONEFLEX_TOKEN: tokens.accessToken,
        ONEFLEX_REFRESH_TOKEN: tokens.refreshToken,
        STATE_DIR: stateDir,
        RECURRING_WEEKS: '4',
        PUBLIC_HOLIDAYS: 'none',
        ONEFLEX_TIMEOUT_SECONDS: '2',
        LOG_LEVEL: 'debug',
        ...options.env,
        ...env,
      },
      { readSecretFile: () => '' },
    );
    const secrets = new SecretRegistry(config.secrets);
    const logger = createLogger({ level: 'debug', format: 'json', secrets, stream: log });
    return createApp({
      config,
      logger,
      secrets,
      events,
      ...(options.clock ? { clock: options.clock } : {}),
      sleep: async () => undefined,
      retryDelaysMs: [1, 1, 1],
    });
  };
  const app = await build();
  return {
    sandbox,
    app,
    events,
    log,
    stateDir,
    tokens,
    restart: build,
    close: async () => {
      await sandbox.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** The next `n` weekdays (Mon–Fri) after today. */
export function nextWeekdays(n: number, from = today()): string[] {
  const out: string[] = [];
  for (let d = addDays(from, 1); out.length < n; d = addDays(d, 1)) {
    const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d);
  }
  return out;
}
