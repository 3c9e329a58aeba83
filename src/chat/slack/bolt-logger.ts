/**
 * Bolt's Logger interface (`@slack/logger`: debug/info/warn/error, setLevel/getLevel/setName) over
 * our winston logger, so that Bolt, its WebClient and the Socket Mode client write through the
 * same secret scrubber as the rest of the bot.
 *
 * The scrubber knows the configured secrets, not what a user types into the token form. The
 * Socket Mode client logs every frame it receives at debug level (`Received a message on the
 * WebSocket: {…}`), and a `view_submission` frame carries the form's values; the WebClient logs
 * request bodies and results. Those lines are cut to their kind here, before they reach winston.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import { errorSummary } from './slack-errors.js';

const ORDER: Readonly<Record<LogLevel, number>> = { [LogLevel.ERROR]: 0, [LogLevel.WARN]: 1, [LogLevel.INFO]: 2, [LogLevel.DEBUG]: 3 };

/** Debug lines whose remainder is a raw payload: only their prefix is kept. */
const PAYLOAD_PREFIXES = [
  'Unable to parse an incoming WebSocket message',
  'Sending a WebSocket message:',
  'Calling ack()',
  'http request body:',
  'http request result:',
  'http request headers:',
  'Error details:',
] as const;
const RECEIVED = 'Received a message on the WebSocket:';

/** The Bolt level that lets through what the winston logger would write. */
export function boltLevelOf(logger: Logger): LogLevel {
  switch (logger.level) {
    case 'error':
      return LogLevel.ERROR;
    case 'warn':
      return LogLevel.WARN;
    case 'debug':
    case 'silly':
    case 'verbose':
      return LogLevel.DEBUG;
    default:
      return LogLevel.INFO;
  }
}

export function createBoltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ module: 'slack' });
  let level = boltLevelOf(logger);
  const write = (at: LogLevel) => (...parts: unknown[]) => {
    if (ORDER[at] > ORDER[level]) return;
    const { message, meta } = describe(parts);
    log.log(at, at === LogLevel.DEBUG ? redactPayload(message) : message, meta);
  };
  return {
    debug: write(LogLevel.DEBUG),
    info: write(LogLevel.INFO),
    warn: write(LogLevel.WARN),
    error: write(LogLevel.ERROR),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    // Bolt names its components; one module name is enough for us.
    setName: () => undefined,
  };
}

/** Strings make the message; errors and objects go into the metadata (the scrubber sees them). */
function describe(parts: readonly unknown[]): { message: string; meta: Record<string, unknown> } {
  const words: string[] = [];
  const details: unknown[] = [];
  for (const part of parts) {
    if (typeof part === 'string') words.push(part);
    else if (part instanceof Error) details.push(errorSummary(part));
    else if (part !== undefined) details.push(part);
  }
  const message = words.join(' ') || (details.length > 0 ? 'Bolt reported an error' : '');
  const meta: Record<string, unknown> = {};
  if (details.length === 1) meta.details = details[0];
  else if (details.length > 1) meta.details = details;
  return { message, meta };
}


/** Keeps what a frame was, never what it carried. */
export function redactPayload(message: string): string {
  if (message.startsWith(RECEIVED)) {
    const raw = message.slice(RECEIVED.length).trim();
    try {
      const frame = JSON.parse(raw) as { type?: unknown; envelope_id?: unknown; payload?: { type?: unknown; command?: unknown } };
      const kind = [frame.type, frame.payload?.type ?? frame.payload?.command].filter((part) => typeof part === 'string').join('/');
      const envelope = typeof frame.envelope_id === 'string' ? ` envelope ${frame.envelope_id}` : '';
      return `${RECEIVED.slice(0, -1)} (${kind || 'unknown'}${envelope})`;
    } catch {
      return `${RECEIVED.slice(0, -1)} (unparsable, ${raw.length} characters)`;
    }
  }
  for (const prefix of PAYLOAD_PREFIXES) {
    if (message.startsWith(prefix)) return `${prefix} [payload omitted]`;
  }
  return message;
}
