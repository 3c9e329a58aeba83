/**
 * The platform-neutral shape of a bot command (one file each in commands/): the CLI renders it
 * today, the Discord and Slack adapters render the same definition as `/oneflex` subcommands.
 * A command never sees an SDK: it gets the app and validated arguments, and returns data.
 */
import type { App } from './app.js';
import type { RunReport } from './booking/runner.js';
import { UserFacingError } from './errors.js';
import type { Locale, Translate } from './i18n.js';
import type { TestSendReport } from './notify/dispatcher.js';
import type { BookedDesk } from './notify/events.js';
import type { TokenStatus } from './oneflex/token-manager.js';
import type { VacationRange } from './state/user-settings.js';
import { addDays, isCalendarDate, type CalendarDate } from './time.js';

export interface CommandContext {
  readonly app: App;
  readonly locale: Locale;
  readonly t: Translate;
  /** Who asked, from chat (`discord:123`, `slack:U123`); the CLI leaves it out. */
  readonly invoker?: string;
}

export type OptionType = 'date' | 'boolean' | 'integer' | 'choice' | 'string';

export interface CommandOption {
  readonly name: string;
  readonly type: OptionType;
  readonly description: Readonly<Record<Locale, string>>;
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** For `choice`. */
  readonly choices?: readonly string[];
}

export type CommandArgs = Readonly<Record<string, string | number | boolean | undefined>>;

export type CommandResult =
  | { readonly kind: 'run'; readonly report: RunReport }
  | { readonly kind: 'bookings'; readonly days: number; readonly bookings: readonly BookedDesk[] }
  | { readonly kind: 'cancelled'; readonly date: CalendarDate; readonly dryRun: boolean; readonly bookings: readonly BookedDesk[] }
  | { readonly kind: 'status'; readonly status: BotStatus }
  | { readonly kind: 'vacations'; readonly change: 'added' | 'removed' | 'none'; readonly range: VacationRange | null; readonly configured: readonly VacationRange[]; readonly fromChat: readonly VacationRange[] }
  | { readonly kind: 'paused'; readonly paused: boolean; readonly changed: boolean; readonly since: string | null }
  | { readonly kind: 'test-alert'; readonly type: string; readonly reports: readonly TestSendReport[] }
  | { readonly kind: 'tokens'; readonly user: string };

export interface BotStatus {
  readonly token: TokenStatus;
  readonly lastRun: { readonly day: string; readonly finishedAt: string | null; readonly ok: boolean | null; readonly counts: Readonly<Record<string, number>> | null } | null;
  readonly nextRun: string;
  readonly nextReminder: string | null;
  readonly paused: { readonly since: string; readonly by: string } | null;
  readonly channels: readonly { readonly label: string; readonly state: string; readonly pending: number; readonly lastError: string | null }[];
  readonly outboxPending: number;
}

export interface CommandDefinition {
  readonly name: string;
  readonly description: Readonly<Record<Locale, string>>;
  readonly options: readonly CommandOption[];
  /** Changes bookings or tokens: only admins may run it from chat. */
  readonly changesState: boolean;
  /** Its chat answer is private whatever happens (tokens, status). */
  readonly privateReply?: boolean;
  /** Chat opens this form (the token form) and runs the command with its values. */
  readonly form?: {
    readonly title: Readonly<Record<Locale, string>>;
    readonly fields: readonly { readonly id: 'access' | 'refresh'; readonly label: Readonly<Record<Locale, string>>; readonly required: boolean }[];
  };
  execute(context: CommandContext, args: CommandArgs): Promise<CommandResult>;
}

/** Checks a date argument: a real calendar date, not in the past, within the booking window. */
export function parseDateArgument(value: unknown, app: App, options: { allowBeyondWindow?: boolean } = {}): CalendarDate {
  const text = String(value ?? '').trim();
  if (!isCalendarDate(text)) {
    throw new UserFacingError('bad_date', `'${text}' is not a date: expected YYYY-MM-DD, for example ${addDays(app.runner.today(), 7)}`);
  }
  const today = app.runner.today();
  if (text < today) throw new UserFacingError('past_date', `${text} is in the past: give today (${today}) or a later date`);
  const lastOpen = addDays(today, app.config.booking.windowDays);
  if (text > lastOpen && !options.allowBeyondWindow) {
    throw new UserFacingError(
      'beyond_window',
      `${text} is not open for booking yet: OneFlex opens ${app.config.booking.windowDays} days ahead, so the last date open today is ${lastOpen} (use force to try anyway)`,
    );
  }
  return text;
}

export function integerArgument(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserFacingError('bad_number', `${name} must be a whole number from ${min} to ${max}, for example ${Math.min(max, Math.max(min, 4))}`);
  }
  return n;
}
