/**
 * Every environment variable the bot reads, as data: the schema, the documentation of
 * `.env.example` and the README table all come from this one list (a test keeps them in step).
 */
import { z } from 'zod';
import { isCalendarDate, isValidTimeZone, parseTimeOfDay, type CalendarDate, type TimeOfDay } from '../time.js';
import { resolveHolidayRegion, type HolidayRegion } from './holiday-region.js';
import { parseWebhookUrls, type WebhookTarget } from './webhooks.js';
import { EVENT_TYPES, type EventType } from '../notify/events.js';

export interface VariableSpec<T = unknown> {
  readonly key: string;
  readonly group: string;
  readonly description: string;
  /** The value used when the variable is unset or empty; shown in docs. */
  readonly defaultValue?: string;
  /** A value that would be accepted, shown in error messages and docs. */
  readonly example: string;
  /** What is expected, in words, for error messages. */
  readonly expected: string;
  /** Secrets are never echoed, and also accept `KEY_FILE` (Docker secrets). */
  readonly secret?: boolean;
  readonly schema: z.ZodType<T>;
}

function spec<T>(s: VariableSpec<T>): VariableSpec<T> {
  return s;
}

const optionalText = z.string().transform((v) => v.trim() || undefined);

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/)
    .transform(Number)
    .refine((n) => n >= min && n <= max);

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''].includes(v))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const timeOfDay = z
  .string()
  .transform((v, ctx): TimeOfDay => {
    const t = parseTimeOfDay(v);
    if (!t) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a time of day` });
      return z.NEVER;
    }
    return t;
  });

export interface DateRange {
  readonly start: CalendarDate;
  readonly end: CalendarDate;
}

/** `2026-08-03:2026-08-21, 2026-12-24` → ranges; rejects impossible dates and inverted ranges. */
export function parseDateRanges(value: string): { ranges: DateRange[]; problems: string[] } {
  const ranges: DateRange[] = [];
  const problems: string[] = [];
  for (const item of value.split(/[,\s]+/).filter(Boolean)) {
    const [start = '', end = start, extra] = item.split(':');
    if (extra !== undefined || !isCalendarDate(start) || !isCalendarDate(end)) {
      problems.push(`'${item}' is not a date or a date range`);
    } else if (end < start) {
      problems.push(`'${item}' ends before it starts`);
    } else {
      ranges.push({ start, end });
    }
  }
  return { ranges, problems };
}

const dateRanges = z.string().transform((v, ctx) => {
  const { ranges, problems } = parseDateRanges(v);
  for (const p of problems) ctx.addIssue({ code: 'custom', message: p });
  return ranges;
});

const weekdays = z.string().transform((v, ctx) => {
  const days = new Set<number>();
  for (const item of v.split(/[,\s]+/).filter(Boolean)) {
    const m = /^([1-7])(?:-([1-7]))?$/.exec(item);
    if (!m || Number(m[2] ?? m[1]) < Number(m[1])) {
      ctx.addIssue({ code: 'custom', message: `'${item}' is not a weekday number from 1 to 7` });
      continue;
    }
    for (let d = Number(m[1]); d <= Number(m[2] ?? m[1]); d++) days.add(d);
  }
  if (days.size === 0) ctx.addIssue({ code: 'custom', message: 'no weekday given' });
  return [...days].sort((a, b) => a - b);
});

export const MOMENTS = ['MORNING', 'AFTERNOON'] as const;
export type Moment = (typeof MOMENTS)[number];

const moments = z.string().transform((v, ctx) => {
  const out = new Set<Moment>();
  for (const item of v.split(/[,\s]+/).filter(Boolean)) {
    const upper = item.toUpperCase();
    if (upper === 'FULL_DAY' || upper === 'DAY') MOMENTS.forEach((m) => out.add(m));
    else if ((MOMENTS as readonly string[]).includes(upper)) out.add(upper as Moment);
    else ctx.addIssue({ code: 'custom', message: `'${item}' is not MORNING or AFTERNOON` });
  }
  if (out.size === 0) ctx.addIssue({ code: 'custom', message: 'no moment given' });
  return MOMENTS.filter((m) => out.has(m));
});

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
    } catch {
      return false;
    }
  })
  .transform((v) => v.replace(/\/+$/, ''));

const holidays = z.string().transform((v, ctx): HolidayRegion | null => {
  const trimmed = v.trim();
  if (trimmed.toLowerCase() === 'none' || trimmed.toLowerCase() === 'off') return null;
  const region = resolveHolidayRegion(trimmed);
  if (!region) {
    ctx.addIssue({ code: 'custom', message: `'${trimmed}' is not a known country or region` });
    return z.NEVER;
  }
  return region;
});


/** `booking-failure, token-expired` | `all` | `none` → the event types routed. */
const eventList = z.string().transform((v, ctx): EventType[] => {
  const items = v.split(/[,\s]+/).filter(Boolean).map((i) => i.toLowerCase());
  if (items.length === 1 && items[0] === 'all') return [...EVENT_TYPES];
  if (items.length === 1 && items[0] === 'none') return [];
  const out = new Set<EventType>();
  for (const item of items) {
    if ((EVENT_TYPES as readonly string[]).includes(item)) out.add(item as EventType);
    else ctx.addIssue({ code: 'custom', message: `'${item}' is not an event (known: ${EVENT_TYPES.join(', ')}, or all, none)` });
  }
  return EVENT_TYPES.filter((e) => out.has(e));
});

const webhookUrls = z.string().transform((v, ctx): WebhookTarget[] => {
  const { targets, problems } = parseWebhookUrls(v);
  for (const p of problems) ctx.addIssue({ code: 'custom', message: p });
  return targets;
});

const emailList = z.string().transform((v, ctx): string[] => {
  const items = v.split(/[,;\s]+/).filter(Boolean);
  for (const item of items) {
    if (!/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(item)) ctx.addIssue({ code: 'custom', message: `'${item}' is not an e-mail address` });
  }
  return items;
});

/** `Name <a@b.c>` or `a@b.c`. */
const mailbox = z
  .string()
  .trim()
  .refine((v) => v === '' || /^(?:[^<>]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)$/.test(v), { message: 'not an address' })
  .transform((v) => v || undefined);

const idList = z.string().transform((v, ctx): string[] => {
  const items = v.split(/[,\s]+/).filter(Boolean);
  for (const item of items) {
    if (!/^[A-Za-z0-9]{5,32}$/.test(item)) ctx.addIssue({ code: 'custom', message: `'${item}' is not a Discord or Slack user id` });
  }
  return items;
});

const optionalPort = z
  .string()
  .trim()
  .transform((v, ctx): number | undefined => {
    if (v === '') return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a port number` });
      return z.NEVER;
    }
    return n;
  });

/** Empty means unset (undefined); anything else must pass `schema`. */
function optional<T extends z.ZodType<unknown, string>>(schema: T) {
  return z
    .string()
    .trim()
    .pipe(z.union([z.literal('').transform(() => undefined), schema]));
}

const optionalHttpUrl = optional(httpUrl);

export const variables = {
  ONEFLEX_URL: spec({
    key: 'ONEFLEX_URL',
    group: 'OneFlex',
    description: "Your company's OneFlex address (the site you sign in to).",
    defaultValue: 'https://oneflex.myworldline.com',
    example: 'https://oneflex.myworldline.com',
    expected: 'an http(s) URL',
    schema: httpUrl,
  }),
  ONEFLEX_TOKEN: spec({
    key: 'ONEFLEX_TOKEN',
    group: 'OneFlex',
    description: 'The access_token cookie of your OneFlex session (a JWT, lives ~15 minutes; the bot refreshes it).',
    example: 'eyJhbGciOi…',
    expected: 'the access_token cookie value',
    secret: true,
    schema: optionalText,
  }),
  ONEFLEX_REFRESH_TOKEN: spec({
    key: 'ONEFLEX_REFRESH_TOKEN',
    group: 'OneFlex',
    description: 'The refresh_token cookie of your OneFlex session; lets the bot renew the access token for as long as your SSO session lasts.',
    example: 'd5f1…',
    expected: 'the refresh_token cookie value',
    secret: true,
    schema: optionalText,
  }),
  ONEFLEX_DESK_ID: spec({
    key: 'ONEFLEX_DESK_ID',
    group: 'OneFlex',
    description: 'Desk to book first (with ONEFLEX_SPACE_ID). Empty: your favourite desks in order, else your most booked desks.',
    example: '6f1c2a44-…',
    expected: 'a desk id',
    schema: optionalText,
  }),
  ONEFLEX_SPACE_ID: spec({
    key: 'ONEFLEX_SPACE_ID',
    group: 'OneFlex',
    description: 'Space (zone) of ONEFLEX_DESK_ID.',
    example: '1b9e0d7c-…',
    expected: 'a space id',
    schema: optionalText,
  }),
  ONEFLEX_DESK_NAME: spec({
    key: 'ONEFLEX_DESK_NAME',
    group: 'OneFlex',
    description: 'Display name of ONEFLEX_DESK_ID in messages.',
    example: '3F-12',
    expected: 'a desk name',
    schema: optionalText,
  }),
  ONEFLEX_TIMEOUT_SECONDS: spec({
    key: 'ONEFLEX_TIMEOUT_SECONDS',
    group: 'OneFlex',
    description: 'Timeout of every OneFlex call, in seconds.',
    defaultValue: '15',
    example: '15',
    expected: 'a whole number of seconds from 1 to 300',
    schema: integer(1, 300),
  }),
  RESERVATION_TIME: spec({
    key: 'RESERVATION_TIME',
    group: 'Booking',
    description: 'When the daily booking run starts, in BOT_TIMEZONE: the instant the booking window opens.',
    defaultValue: '00:00',
    example: '00:00:05',
    expected: 'a time HH:MM or HH:MM:SS from 00:00 to 23:59:59',
    schema: timeOfDay,
  }),
  RESERVATION_DAYS_AHEAD: spec({
    key: 'RESERVATION_DAYS_AHEAD',
    group: 'Booking',
    description: 'Single-date mode (RECURRING_WEEKS=0): book the day this many days after today.',
    defaultValue: '7',
    example: '28',
    expected: 'a whole number of days from 0 to 365',
    schema: integer(0, 365),
  }),
  RESERVATION_DAYS_OF_WEEK: spec({
    key: 'RESERVATION_DAYS_OF_WEEK',
    group: 'Booking',
    description: 'Office days, 1 = Monday … 7 = Sunday (ranges such as 1-5 accepted).',
    defaultValue: '1,2,3,4,5',
    example: '1,2,4',
    expected: 'weekday numbers from 1 (Monday) to 7 (Sunday), comma separated',
    schema: weekdays,
  }),
  RECURRING_WEEKS: spec({
    key: 'RECURRING_WEEKS',
    group: 'Booking',
    description: 'Recurring mode: book every office day of the next N weeks (0 = single-date mode).',
    defaultValue: '0',
    example: '4',
    expected: 'a whole number of weeks from 0 to 52',
    schema: integer(0, 52),
  }),
  RESERVATION_MOMENTS: spec({
    key: 'RESERVATION_MOMENTS',
    group: 'Booking',
    description: 'Which half-days to book.',
    defaultValue: 'MORNING,AFTERNOON',
    example: 'MORNING',
    expected: 'MORNING and/or AFTERNOON, comma separated',
    schema: moments,
  }),
  BOOKING_WINDOW_DAYS: spec({
    key: 'BOOKING_WINDOW_DAYS',
    group: 'Booking',
    description: 'How many days ahead OneFlex lets you book: dates further away are not tried.',
    defaultValue: '28',
    example: '28',
    expected: 'a whole number of days from 1 to 365',
    schema: integer(1, 365),
  }),
  BOOKING_CONCURRENCY: spec({
    key: 'BOOKING_CONCURRENCY',
    group: 'Booking',
    description: 'How many bookings are sent at once.',
    defaultValue: '4',
    example: '4',
    expected: 'a whole number from 1 to 16',
    schema: integer(1, 16),
  }),
  VACATION_DATES: spec({
    key: 'VACATION_DATES',
    group: 'Booking',
    description: 'Days never booked: ranges START:END and single days, comma separated.',
    defaultValue: '',
    example: '2026-08-03:2026-08-21,2026-12-24',
    expected: 'YYYY-MM-DD days or YYYY-MM-DD:YYYY-MM-DD ranges (start before end), comma separated',
    schema: dateRanges,
  }),
  AUTO_CANCEL_VACATIONS: spec({
    key: 'AUTO_CANCEL_VACATIONS',
    group: 'Booking',
    description: "Cancel the bot's own bookings that fall inside VACATION_DATES.",
    defaultValue: 'false',
    example: 'true',
    expected: 'true or false',
    schema: boolean,
  }),
  PUBLIC_HOLIDAYS: spec({
    key: 'PUBLIC_HOLIDAYS',
    group: 'Booking',
    description: 'Public holidays never booked: a country code, optionally with a region (FR-67 for Alsace-Moselle); none to turn off.',
    defaultValue: 'FR',
    example: 'FR-67',
    expected: 'a country code such as FR, BE or DE-BY, or none',
    schema: holidays,
  }),
  REMINDER_TIME: spec({
    key: 'REMINDER_TIME',
    group: 'Booking',
    description: "Morning reminder of today's desk, in BOT_TIMEZONE (empty = off).",
    defaultValue: '',
    example: '08:30',
    expected: 'a time HH:MM or HH:MM:SS, or empty for no reminder',
    schema: optional(timeOfDay),
  }),
  BOT_TIMEZONE: spec({
    key: 'BOT_TIMEZONE',
    group: 'Bot',
    description: 'Time zone of RESERVATION_TIME, REMINDER_TIME and of the dates.',
    defaultValue: 'Europe/Paris',
    example: 'Europe/Paris',
    expected: 'an IANA time zone name',
    schema: z.string().trim().refine(isValidTimeZone),
  }),
  BOT_LOCALE: spec({
    key: 'BOT_LOCALE',
    group: 'Bot',
    description: 'Language of the messages the bot sends.',
    defaultValue: 'fr',
    example: 'en',
    expected: 'fr or en',
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .transform((v) => v.slice(0, 2))
      .pipe(z.enum(['fr', 'en'])),
  }),
  STATE_DIR: spec({
    key: 'STATE_DIR',
    group: 'Bot',
    description: 'Where the bot keeps its state (refreshed tokens, bookings it made, runs). Mount it as a volume in Docker.',
    defaultValue: './data',
    example: '/app/data',
    expected: 'a directory path',
    schema: z.string().trim().min(1),
  }),
  LOG_LEVEL: spec({
    key: 'LOG_LEVEL',
    group: 'Bot',
    description: 'Least important log level written.',
    defaultValue: 'info',
    example: 'debug',
    expected: 'error, warn, info or debug',
    schema: z.string().trim().toLowerCase().pipe(z.enum(['error', 'warn', 'info', 'debug'])),
  }),
  LOG_FORMAT: spec({
    key: 'LOG_FORMAT',
    group: 'Bot',
    description: 'pretty: one readable line per event; json: one JSON object per line (for log collectors).',
    defaultValue: 'pretty',
    example: 'json',
    expected: 'pretty or json',
    schema: z.string().trim().toLowerCase().pipe(z.enum(['pretty', 'json'])),
  }),
  NOTIFICATION_WEBHOOK_URL: spec({
    key: 'NOTIFICATION_WEBHOOK_URL',
    group: 'Notifications',
    description:
      'Incoming webhooks to notify, comma or space separated. The format comes from the host (discord.com, hooks.slack.com, Power Automate/Teams, chat.googleapis.com; anything else gets generic JSON) or from a prefix: discord+https://…, slack+https://…, teams+https://…, gchat+https://…, json+https://….',
    defaultValue: '',
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    expected: 'http(s) URLs, comma separated, each optionally prefixed with discord+, slack+, teams+, gchat+ or json+',
    secret: true,
    schema: webhookUrls,
  }),
  NOTIFICATION_EVENTS: spec({
    key: 'NOTIFICATION_EVENTS',
    group: 'Notifications',
    description: `Events sent to chat (Discord/Slack bots) and webhooks: all, none, or a list of ${EVENT_TYPES.join(', ')}.`,
    defaultValue: 'all',
    example: 'token-expired,token-restored,booking-failure,booking-success',
    expected: 'all, none, or event names separated by commas',
    schema: eventList,
  }),
  NOTIFICATION_EMAIL_ENABLED: spec({
    key: 'NOTIFICATION_EMAIL_ENABLED',
    group: 'E-mail',
    description: 'Send e-mail notifications through SMTP_HOST.',
    defaultValue: 'false',
    example: 'true',
    expected: 'true or false',
    schema: boolean,
  }),
  NOTIFICATION_EMAIL_TO: spec({
    key: 'NOTIFICATION_EMAIL_TO',
    group: 'E-mail',
    description: 'Recipients, comma separated.',
    defaultValue: '',
    example: 'me@example.com',
    expected: 'e-mail addresses separated by commas',
    schema: emailList,
  }),
  NOTIFICATION_EMAIL_EVENTS: spec({
    key: 'NOTIFICATION_EMAIL_EVENTS',
    group: 'E-mail',
    description: 'Events sent by e-mail: all, none, or a list (channel-problem warnings go to e-mail too when listed).',
    defaultValue: 'token-expired,token-restored,booking-failure,channel-problem',
    example: 'token-expired,booking-failure',
    expected: 'all, none, or event names separated by commas',
    schema: eventList,
  }),
  SMTP_HOST: spec({
    key: 'SMTP_HOST',
    group: 'E-mail',
    description: 'SMTP server.',
    defaultValue: '',
    example: 'smtp.gmail.com',
    expected: 'a host name',
    schema: optionalText,
  }),
  SMTP_PORT: spec({
    key: 'SMTP_PORT',
    group: 'E-mail',
    description: 'SMTP port: 587 (STARTTLS, required) or 465 (implicit TLS); 25 for a local relay.',
    defaultValue: '587',
    example: '465',
    expected: 'a port number',
    schema: integer(1, 65535),
  }),
  SMTP_SECURE: spec({
    key: 'SMTP_SECURE',
    group: 'E-mail',
    description: 'auto: implicit TLS on 465, STARTTLS required on 587, STARTTLS when offered otherwise; true: implicit TLS; starttls: STARTTLS required; false: STARTTLS when offered.',
    defaultValue: 'auto',
    example: 'starttls',
    expected: 'auto, true, starttls or false',
    schema: z.string().trim().toLowerCase().pipe(z.enum(['auto', 'true', 'starttls', 'false'])),
  }),
  SMTP_TLS_REJECT_UNAUTHORIZED: spec({
    key: 'SMTP_TLS_REJECT_UNAUTHORIZED',
    group: 'E-mail',
    description: 'Set to false only for a local relay with a self-signed certificate.',
    defaultValue: 'true',
    example: 'false',
    expected: 'true or false',
    schema: boolean,
  }),
  SMTP_USER: spec({
    key: 'SMTP_USER',
    group: 'E-mail',
    description: 'SMTP login (often your address). Empty: no authentication.',
    defaultValue: '',
    example: 'me@gmail.com',
    expected: 'a user name',
    schema: optionalText,
  }),
  SMTP_PASSWORD: spec({
    key: 'SMTP_PASSWORD',
    group: 'E-mail',
    description: 'SMTP password (for Gmail: an app password).',
    example: 'abcd efgh ijkl mnop',
    expected: 'the SMTP password',
    secret: true,
    schema: optionalText,
  }),
  SMTP_FROM: spec({
    key: 'SMTP_FROM',
    group: 'E-mail',
    description: 'Sender address. Empty: SMTP_USER.',
    defaultValue: '',
    example: 'OneFlex bot <me@gmail.com>',
    expected: 'an address, optionally with a name: Name <a@b.c>',
    schema: mailbox,
  }),
  HEARTBEAT_URL: spec({
    key: 'HEARTBEAT_URL',
    group: 'Notifications',
    description: 'Pinged after every scheduled run (URL/fail when the run failed), e.g. a healthchecks.io check, so a dead bot is noticed too.',
    defaultValue: '',
    example: 'https://hc-ping.com/0a1b2c3d-…',
    expected: 'an http(s) URL',
    secret: true,
    schema: optionalHttpUrl,
  }),
  DISCORD_TOKEN: spec({
    key: 'DISCORD_TOKEN',
    group: 'Discord',
    description: 'Bot token of your Discord application (Bot page). Empty: no Discord bot.',
    example: 'MTE5…',
    expected: 'a Discord bot token',
    secret: true,
    schema: optionalText,
  }),
  DISCORD_GUILD_ID: spec({
    key: 'DISCORD_GUILD_ID',
    group: 'Discord',
    description: 'Server(s) where /oneflex is registered, comma separated (instant). Empty: global commands (may take up to an hour to appear).',
    defaultValue: '',
    example: '112233445566778899',
    expected: 'Discord server ids (digits), comma separated',
    schema: z.string().transform((v, ctx) => {
      const ids = v.split(/[,\s]+/).filter(Boolean);
      for (const id of ids) if (!/^\d{5,25}$/.test(id)) ctx.addIssue({ code: 'custom', message: `'${id}' is not a Discord server id` });
      return ids;
    }),
  }),
  DISCORD_ALERT_CHANNEL: spec({
    key: 'DISCORD_ALERT_CHANNEL',
    group: 'Discord',
    description: 'Channel (name or id) where the bot posts its notifications.',
    defaultValue: 'oneflex-alerts',
    example: 'oneflex-alerts',
    expected: 'a channel name or id',
    schema: z.string().trim().min(1).transform((v) => v.replace(/^#/, '')),
  }),
  DISCORD_API_URL: spec({
    key: 'DISCORD_API_URL',
    group: 'Discord',
    description: 'REST API base override, for a proxy (and the tests). Empty: Discord itself.',
    defaultValue: '',
    example: 'http://127.0.0.1:8081/api',
    expected: 'an http(s) URL',
    schema: optionalHttpUrl,
  }),
  BOT_OWNER_DISCORD_ID: spec({
    key: 'BOT_OWNER_DISCORD_ID',
    group: 'Discord',
    description: 'Your Discord user id: mentioned on token alerts, and allowed to run every command.',
    defaultValue: '',
    example: '223344556677889900',
    expected: 'a Discord user id (digits)',
    schema: z.string().trim().refine((v) => v === '' || /^\d{5,25}$/.test(v)).transform((v) => v || undefined),
  }),
  SLACK_BOT_TOKEN: spec({
    key: 'SLACK_BOT_TOKEN',
    group: 'Slack',
    description: 'Bot token (xoxb-…) of your Slack app. Empty: no Slack bot.',
    example: 'xoxb-…',
    expected: 'a Slack bot token starting with xoxb-',
    secret: true,
    schema: optionalText,
  }),
  SLACK_APP_TOKEN: spec({
    key: 'SLACK_APP_TOKEN',
    group: 'Slack',
    description: 'App-level token (xapp-…, scope connections:write) for Socket Mode, which works behind a NAS without opening a port.',
    example: 'xapp-…',
    expected: 'a Slack app token starting with xapp-',
    secret: true,
    schema: optionalText,
  }),
  SLACK_SIGNING_SECRET: spec({
    key: 'SLACK_SIGNING_SECRET',
    group: 'Slack',
    description: 'HTTP mode instead of Socket Mode: the signing secret of your Slack app (with SLACK_PORT).',
    example: '8f14e45f…',
    expected: 'the signing secret from Basic Information',
    secret: true,
    schema: optionalText,
  }),
  SLACK_PORT: spec({
    key: 'SLACK_PORT',
    group: 'Slack',
    description: 'HTTP mode: port the bot listens on for /slack/events.',
    defaultValue: '',
    example: '3000',
    expected: 'a port number',
    schema: optionalPort,
  }),
  SLACK_ALERT_CHANNEL: spec({
    key: 'SLACK_ALERT_CHANNEL',
    group: 'Slack',
    description: 'Channel (name or id) where the bot posts its notifications; invite the bot there.',
    defaultValue: 'oneflex-alerts',
    example: 'oneflex-alerts',
    expected: 'a channel name or id',
    schema: z.string().trim().min(1).transform((v) => v.replace(/^#/, '')),
  }),
  SLACK_API_URL: spec({
    key: 'SLACK_API_URL',
    group: 'Slack',
    description: 'Web API base override (GovSlack, a proxy, the tests). Empty: https://slack.com/api/.',
    defaultValue: '',
    example: 'https://slack-gov.com/api/',
    expected: 'an http(s) URL',
    schema: optionalHttpUrl,
  }),
  BOT_OWNER_SLACK_ID: spec({
    key: 'BOT_OWNER_SLACK_ID',
    group: 'Slack',
    description: 'Your Slack member id: mentioned on token alerts, and allowed to run every command.',
    defaultValue: '',
    example: 'U0123ABCD',
    expected: 'a Slack member id such as U0123ABCD',
    schema: z.string().trim().refine((v) => v === '' || /^[UW][A-Z0-9]{4,20}$/.test(v)).transform((v) => v || undefined),
  }),
  BOT_ADMIN_IDS: spec({
    key: 'BOT_ADMIN_IDS',
    group: 'Bot',
    description: 'Discord or Slack user ids allowed to run commands that change bookings or tokens. Empty: the owner only.',
    defaultValue: '',
    example: '223344556677889900,U0123ABCD',
    expected: 'user ids separated by commas',
    schema: idList,
  }),
  HEALTH_PORT: spec({
    key: 'HEALTH_PORT',
    group: 'Bot',
    description: 'Port of GET /healthz and GET /metrics (Prometheus). Empty: off (the Docker image sets 8080).',
    defaultValue: '',
    example: '8080',
    expected: 'a port number',
    schema: optionalPort,
  }),
  HEALTH_HOST: spec({
    key: 'HEALTH_HOST',
    group: 'Bot',
    description: 'Address the health server listens on.',
    defaultValue: '0.0.0.0',
    example: '127.0.0.1',
    expected: 'an IP address or host name',
    schema: z.string().trim().min(1),
  }),
} as const;

export type VariableKey = keyof typeof variables;
export type VariableValue<K extends VariableKey> = z.output<(typeof variables)[K]['schema']>;
export const variableList: readonly VariableSpec[] = Object.values(variables);
