/**
 * The environment → one frozen, typed Config. Pure: it reads only the map it is given (and the
 * files named by `*_FILE` variables through the reader it is given). Every bad variable is
 * reported at once, by name, with what was expected and an example; secrets' values never appear.
 */
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { CalendarDate, TimeOfDay } from '../time.js';
import type { HolidayRegion } from './holiday-region.js';
import type { EventType } from '../notify/events.js';
import type { WebhookTarget } from './webhooks.js';
import { variableList, variables, type DateRange, type Moment, type VariableKey, type VariableValue } from './variables.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Config {
  readonly oneflex: {
    readonly url: string;
    readonly token: string | undefined;
    readonly refreshToken: string | undefined;
    readonly desk: { readonly deskId: string; readonly spaceId: string; readonly name: string | undefined } | undefined;
    readonly timeoutMs: number;
  };
  readonly booking: {
    readonly time: TimeOfDay;
    readonly daysAhead: number;
    readonly daysOfWeek: readonly number[];
    readonly recurringWeeks: number;
    readonly moments: readonly Moment[];
    readonly windowDays: number;
    readonly concurrency: number;
    readonly vacations: readonly DateRange[];
    readonly autoCancelVacations: boolean;
    readonly publicHolidays: HolidayRegion | null;
    readonly reminderTime: TimeOfDay | undefined;
  };
  readonly notify: {
    readonly webhooks: readonly WebhookTarget[];
    /** Events routed to chat bots and webhooks. */
    readonly events: readonly EventType[];
    readonly email: EmailConfig | undefined;
    readonly heartbeatUrl: string | undefined;
  };
  readonly discord: DiscordConfig | undefined;
  readonly slack: SlackConfig | undefined;
  /** Who may run commands that change bookings or tokens (owners are always allowed). */
  readonly adminIds: readonly string[];
  /** The owner's user id per platform: mentioned on token alerts, always allowed. */
  readonly owners: { readonly discord: string | undefined; readonly slack: string | undefined };
  readonly health: { readonly port: number; readonly host: string } | undefined;
  readonly timeZone: string;
  readonly locale: 'fr' | 'en';
  readonly stateDir: string;
  readonly log: { readonly level: 'error' | 'warn' | 'info' | 'debug'; readonly format: 'pretty' | 'json' };
  /** Where each token came from, so refreshed tokens are written back to the right place. */
  readonly tokenSources: { readonly token: SecretSource; readonly refreshToken: SecretSource };
  /** Every secret value configured, for the log scrubber. */
  readonly secrets: readonly string[];
}

export type SecretSource = 'env' | 'file' | 'unset';

export interface EmailConfig {
  readonly to: readonly string[];
  readonly events: readonly EventType[];
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (465). */
  readonly secure: boolean;
  /** STARTTLS is mandatory (587 in auto mode). */
  readonly requireTls: boolean;
  readonly rejectUnauthorized: boolean;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly from: string;
}

export interface DiscordConfig {
  readonly token: string;
  readonly guildIds: readonly string[];
  readonly alertChannel: string;
  readonly apiUrl: string | undefined;
  readonly ownerId: string | undefined;
}

export interface SlackConfig {
  readonly botToken: string;
  readonly mode: { readonly kind: 'socket'; readonly appToken: string } | { readonly kind: 'http'; readonly signingSecret: string; readonly port: number };
  readonly alertChannel: string;
  readonly apiUrl: string | undefined;
  readonly ownerId: string | undefined;
}

export interface LoadConfigOptions {
  /** Reads a `*_FILE` secret; throws when the file cannot be read. */
  readonly readSecretFile: (path: string) => string;
}

export function loadConfig(env: Env, options: LoadConfigOptions): Config {
  const issues: ConfigIssue[] = [];
  const secrets: string[] = [];
  const sources: Partial<Record<VariableKey, SecretSource>> = {};

  function raw(key: VariableKey): string | undefined {
    const s = variables[key];
    if ('secret' in s && s.secret) {
      const filePath = env[`${key}_FILE`]?.trim();
      if (filePath) {
        try {
          const value = options.readSecretFile(filePath).trim();
          sources[key] = 'file';
          if (value) secrets.push(value);
          return value;
        } catch {
          issues.push({ key: `${key}_FILE`, expected: 'the path of a readable file holding the secret', example: `/run/secrets/${key.toLowerCase()}` });
          return undefined;
        }
      }
      const value = env[key];
      sources[key] = value?.trim() ? 'env' : 'unset';
      if (value?.trim()) secrets.push(value.trim());
      return value;
    }
    return env[key];
  }

  function read<K extends VariableKey>(key: K): VariableValue<K> {
    const s = variables[key];
    const given = raw(key);
    const value = given === undefined || given.trim() === '' ? ('defaultValue' in s ? s.defaultValue : '') : given;
    const result = s.schema.safeParse(value);
    if (result.success) return result.data as VariableValue<K>;
    const isSecret = 'secret' in s && s.secret;
    const details = isSecret ? [] : result.error.issues.map((i) => i.message).filter((m) => m.startsWith("'"));
    issues.push({
      key,
      expected: s.expected,
      example: s.example,
      ...(isSecret ? {} : { found: details.length ? details.join('; ') : `'${value}'` }),
    });
    return undefined as VariableValue<K>;
  }

  const url = read('ONEFLEX_URL');
  const token = read('ONEFLEX_TOKEN');
  const refreshToken = read('ONEFLEX_REFRESH_TOKEN');
  const deskId = read('ONEFLEX_DESK_ID');
  const spaceId = read('ONEFLEX_SPACE_ID');
  const deskName = read('ONEFLEX_DESK_NAME');
  const timeoutSeconds = read('ONEFLEX_TIMEOUT_SECONDS');
  const time = read('RESERVATION_TIME');
  const daysAhead = read('RESERVATION_DAYS_AHEAD');
  const daysOfWeek = read('RESERVATION_DAYS_OF_WEEK');
  const recurringWeeks = read('RECURRING_WEEKS');
  const moments = read('RESERVATION_MOMENTS');
  const windowDays = read('BOOKING_WINDOW_DAYS');
  const concurrency = read('BOOKING_CONCURRENCY');
  const vacations = read('VACATION_DATES');
  const autoCancelVacations = read('AUTO_CANCEL_VACATIONS');
  const publicHolidays = read('PUBLIC_HOLIDAYS');
  const reminderTime = read('REMINDER_TIME');
  const timeZone = read('BOT_TIMEZONE');
  const locale = read('BOT_LOCALE');
  const stateDir = read('STATE_DIR');
  const logLevel = read('LOG_LEVEL');
  const logFormat = read('LOG_FORMAT');
  const discordOwner = read('BOT_OWNER_DISCORD_ID');
  const slackOwner = read('BOT_OWNER_SLACK_ID');
  const webhooks = read('NOTIFICATION_WEBHOOK_URL');
  const notifyEvents = read('NOTIFICATION_EVENTS');
  const email = readEmail();
  const heartbeatUrl = read('HEARTBEAT_URL');
  const discord = readDiscord();
  const slack = readSlack();
  const adminIds = read('BOT_ADMIN_IDS');
  const healthPort = read('HEALTH_PORT');
  const healthHost = read('HEALTH_HOST');
  for (const w of webhooks ?? []) secrets.push(...w.secrets);
  if (heartbeatUrl) secrets.push(new URL(heartbeatUrl).pathname);

  function readEmail(): EmailConfig | undefined {
    const enabled = read('NOTIFICATION_EMAIL_ENABLED');
    const to = read('NOTIFICATION_EMAIL_TO');
    const events = read('NOTIFICATION_EMAIL_EVENTS');
    const host = read('SMTP_HOST');
    const port = read('SMTP_PORT');
    const secureMode = read('SMTP_SECURE');
    const rejectUnauthorized = read('SMTP_TLS_REJECT_UNAUTHORIZED');
    const user = read('SMTP_USER');
    const password = read('SMTP_PASSWORD');
    const from = read('SMTP_FROM') ?? (user?.includes('@') ? user : undefined);
    if (!enabled) return undefined;
    const need = (key: VariableKey, why: string) =>
      issues.push({ key, expected: why, example: variables[key].example });
    if (!host) need('SMTP_HOST', 'the SMTP server when NOTIFICATION_EMAIL_ENABLED=true');
    if (to !== undefined && to.length === 0) need('NOTIFICATION_EMAIL_TO', 'at least one recipient when NOTIFICATION_EMAIL_ENABLED=true');
    if (!from && !issues.some((i) => i.key === 'SMTP_FROM')) need('SMTP_FROM', 'a sender address (or an SMTP_USER that is an address)');
    if (user && !password && !issues.some((i) => i.key.startsWith('SMTP_PASSWORD'))) need('SMTP_PASSWORD', 'the password of SMTP_USER (or SMTP_PASSWORD_FILE)');
    if (!host || !to?.length || !from || port === undefined || events === undefined) return undefined;
    const secure = secureMode === 'true' || (secureMode === 'auto' && port === 465);
    return {
      to,
      events,
      host,
      port,
      secure,
      requireTls: !secure && (secureMode === 'starttls' || (secureMode === 'auto' && port === 587)),
      rejectUnauthorized: rejectUnauthorized ?? true,
      user,
      password,
      from,
    };
  }

  function readDiscord(): DiscordConfig | undefined {
    const token = read('DISCORD_TOKEN');
    const guildIds = read('DISCORD_GUILD_ID');
    const alertChannel = read('DISCORD_ALERT_CHANNEL');
    const apiUrl = read('DISCORD_API_URL');
    const ownerId = discordOwner;
    if (!token) return undefined;
    return { token, guildIds: guildIds ?? [], alertChannel, apiUrl, ownerId };
  }

  function readSlack(): SlackConfig | undefined {
    const botToken = read('SLACK_BOT_TOKEN');
    const appToken = read('SLACK_APP_TOKEN');
    const signingSecret = read('SLACK_SIGNING_SECRET');
    const port = read('SLACK_PORT');
    const alertChannel = read('SLACK_ALERT_CHANNEL');
    const apiUrl = read('SLACK_API_URL');
    const ownerId = slackOwner;
    if (!botToken) {
      if (appToken || signingSecret) {
        issues.push({ key: 'SLACK_BOT_TOKEN', expected: 'the bot token (xoxb-…) too: Slack needs it with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET', example: 'xoxb-…' });
      }
      return undefined;
    }
    if (!botToken.startsWith('xoxb-')) issues.push({ key: 'SLACK_BOT_TOKEN', expected: variables.SLACK_BOT_TOKEN.expected, example: 'xoxb-…' });
    if (appToken && !appToken.startsWith('xapp-')) issues.push({ key: 'SLACK_APP_TOKEN', expected: variables.SLACK_APP_TOKEN.expected, example: 'xapp-…' });
    if (signingSecret && port === undefined) {
      issues.push({ key: 'SLACK_PORT', expected: 'a port for HTTP mode, since SLACK_SIGNING_SECRET is set (or remove it to use Socket Mode)', example: '3000' });
    }
    if (!appToken && !signingSecret) {
      issues.push({
        key: 'SLACK_APP_TOKEN',
        expected: 'an app token (xapp-…) for Socket Mode, or SLACK_SIGNING_SECRET and SLACK_PORT for HTTP mode',
        example: 'xapp-…',
      });
    }
    const mode =
      signingSecret && port !== undefined
        ? ({ kind: 'http', signingSecret, port } as const)
        : appToken
          ? ({ kind: 'socket', appToken } as const)
          : undefined;
    if (!mode) return undefined;
    return { botToken, mode, alertChannel, apiUrl, ownerId };
  }

  if (Boolean(deskId) !== Boolean(spaceId)) {
    const missing = deskId ? 'ONEFLEX_SPACE_ID' : 'ONEFLEX_DESK_ID';
    issues.push({
      key: missing,
      expected: 'ONEFLEX_DESK_ID and ONEFLEX_SPACE_ID set together (or both empty to use your favourite desks)',
      example: variables[missing].example,
    });
  }
  if (daysAhead !== undefined && windowDays !== undefined && daysAhead > windowDays) {
    issues.push({
      key: 'RESERVATION_DAYS_AHEAD',
      expected: `at most BOOKING_WINDOW_DAYS (${windowDays}): OneFlex does not open dates further ahead`,
      example: String(windowDays),
      found: `'${daysAhead}'`,
    });
  }

  if (issues.length > 0) throw new ConfigError(issues);

  return deepFreeze({
    oneflex: {
      url,
      token,
      refreshToken,
      desk: deskId && spaceId ? { deskId, spaceId, name: deskName } : undefined,
      timeoutMs: timeoutSeconds * 1000,
    },
    booking: {
      time,
      daysAhead,
      daysOfWeek,
      recurringWeeks,
      moments,
      windowDays,
      concurrency,
      vacations,
      autoCancelVacations,
      publicHolidays,
      reminderTime,
    },
    notify: { webhooks, events: notifyEvents, email, heartbeatUrl },
    discord,
    slack,
    adminIds,
    owners: { discord: discordOwner, slack: slackOwner },
    health: healthPort === undefined ? undefined : { port: healthPort, host: healthHost },
    timeZone,
    locale,
    stateDir,
    log: { level: logLevel, format: logFormat },
    tokenSources: { token: sources.ONEFLEX_TOKEN ?? 'unset', refreshToken: sources.ONEFLEX_REFRESH_TOKEN ?? 'unset' },
    secrets,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** True when `date` falls inside one of `ranges`. */
export function inRanges(date: CalendarDate, ranges: readonly DateRange[]): boolean {
  return ranges.some((r) => r.start <= date && date <= r.end);
}

export { variableList, variables };
export type { DateRange, Moment };
