/**
 * The one winston logger, made in main.ts and passed down; modules take `logger.child({ module })`.
 * Everything goes to stderr (stdout is for command output such as tables and --json), and every
 * line passes through the secret scrubber first.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import type { SecretRegistry } from './secrets.js';

export type Logger = winston.Logger;
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'pretty' | 'json';
  readonly secrets: SecretRegistry;
  /** Where lines go; stderr by default. Tests pass a collector. */
  readonly stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = winston.format((info) => {
    const scrubbed = JSON.parse(options.secrets.scrub(JSON.stringify(info, errorReplacer))) as Record<string, unknown>;
    for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
    Object.assign(info, scrubbed);
    return info;
  });
  const render =
    options.format === 'json'
      ? winston.format.json()
      : winston.format.printf((info) => {
          const { level, message, timestamp, module, ...meta } = info as Record<string, unknown>;
          const where = module ? ` [${String(module)}]` : '';
          const rest = Object.entries(meta)
            .filter(([k]) => typeof k === 'string' && k !== 'splat')
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          return `${String(timestamp)} ${String(level).toUpperCase().padEnd(5)}${where} ${String(message)}${rest ? ` ${rest}` : ''}`;
        });
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(winston.format.timestamp(), scrub(), render),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stderr })],
  });
}

/** Errors become their code, message and cause chain (JSON.stringify would print `{}`). */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  return value;
}

/** A stream that keeps every line, for tests and for `demo`'s quiet mode. */
export class LineCollector extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  }
}
