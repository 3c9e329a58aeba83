/**
 * The command line: `oneflex-bot [command] [options]`, plus the Python bot's flags
 * (`--schedule`, `--show`, `--date D [--force]`, `--recurring [N]`), which keep working.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

export const COMMANDS = ['run', 'book', 'recurring', 'show', 'cancel', 'check', 'token', 'test-alert', 'demo', 'help'] as const;
export type CliCommand = (typeof COMMANDS)[number];

export interface CommandLine {
  readonly command: CliCommand;
  readonly envFile: string | undefined;
  readonly json: boolean;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly date: string | undefined;
  readonly weeks: string | undefined;
  readonly days: string | undefined;
  readonly type: string | undefined;
  readonly version: boolean;
}

const OPTIONS = {
  'env-file': { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  date: { type: 'string' },
  weeks: { type: 'string' },
  days: { type: 'string' },
  type: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  // The Python bot's flags.
  schedule: { type: 'boolean' },
  show: { type: 'boolean' },
  recurring: { type: 'boolean' },
} as const;

/** Which options each command takes (beyond --env-file, --help). */
const ALLOWED: Record<CliCommand, readonly string[]> = {
  run: [],
  book: ['date', 'force', 'dry-run', 'json', 'weeks'],
  recurring: ['weeks', 'force', 'dry-run', 'json'],
  show: ['days', 'json'],
  cancel: ['date', 'dry-run', 'json'],
  check: ['json'],
  token: [],
  'test-alert': ['type', 'json'],
  demo: ['json'],
  help: [],
};

export const USAGE = `Usage: oneflex-bot [command] [options]

Commands:
  run                          the long-running bot: books at RESERVATION_TIME every day (default)
  book [--date YYYY-MM-DD] [--force] [--dry-run] [--json]
                               book now: the usual run, or one date
  recurring [--weeks N] [--dry-run] [--json]
                               book the office days of the next N weeks (default RECURRING_WEEKS, or 4)
  show [--days N] [--json]     upcoming bookings (default 14 days)
  cancel --date YYYY-MM-DD [--dry-run]
                               cancel a day's booking; the bot will not book it again
  check [--json]               configuration, tokens, OneFlex reachability, who you are
  token set                    read new tokens from standard input, check and store them
  test-alert [--type T] [--json]
                               send a sample notification (marked as a test) to every channel;
                               T: token-expired (default), booking-success, booking-failure, daily-reminder
  demo [--json]                run a booking against a built-in OneFlex sandbox

Options:
  --env-file PATH              the .env to load (else $ENV_FILE, ./config/.env, ./.env)
  --help, --version

Python bot flags still work: --schedule, --show, --date D [--force], --recurring [N].
Exit codes: 0 ok, 1 some bookings failed or runtime error, 2 bad configuration or usage,
3 authentication needs a person (sign in again and run 'oneflex-bot token set').`;

export function parseCommandLine(argv: readonly string[]): CommandLine {
  // `--recurring 4` (an optional value, which parseArgs cannot express) becomes `--recurring --weeks 4`.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    args.push(a);
    if (a === '--recurring' && /^\d+$/.test(argv[i + 1] ?? '')) args.push('--weeks', argv[++i]!);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\nRun 'oneflex-bot --help' for the commands and options.`);
  }
  const { values, positionals } = parsed;
  const [first, second, ...rest] = positionals;
  let command: CliCommand;
  if (first !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new UsageError(`Unknown command '${first}'. Commands: ${COMMANDS.join(', ')}. Example: oneflex-bot book --dry-run`);
    }
    command = first as CliCommand;
  } else if (values.schedule) command = 'run';
  else if (values.show) command = 'show';
  else if (values.recurring) command = 'recurring';
  else if (values.date !== undefined) command = 'book';
  else command = 'run';
  if (values.help) command = 'help';

  if (command === 'token') {
    if (second !== 'set' || rest.length > 0) {
      throw new UsageError("Usage: oneflex-bot token set  (the tokens are read from standard input, never from arguments)");
    }
  } else if (second !== undefined) {
    throw new UsageError(`Unexpected argument '${second}'. Options are given as --name value, e.g. oneflex-bot book --date 2026-12-01`);
  }

  const legacy = ['schedule', 'show', 'recurring'];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || name === 'env-file' || name === 'help' || name === 'version' || legacy.includes(name)) continue;
    if (!ALLOWED[command].includes(name)) throw new UsageError(`'${command}' does not take --${name}. Run 'oneflex-bot --help'.`);
  }
  if (command === 'cancel' && values.date === undefined) {
    throw new UsageError('cancel needs --date YYYY-MM-DD, e.g. oneflex-bot cancel --date 2026-12-01');
  }

  return {
    command,
    envFile: values['env-file'],
    json: values.json ?? false,
    dryRun: values['dry-run'] ?? false,
    force: values.force ?? false,
    date: values.date,
    weeks: values.weeks,
    days: values.days,
    type: values.type,
    version: values.version ?? false,
  };
}
