/**
 * One interface for every way a message leaves the bot: webhooks, e-mail, and later the Discord
 * and Slack bots. A channel sends one message once; retries, pacing, ordering and the outbox live
 * in the dispatcher.
 */
import { AppError } from '../errors.js';
import type { NotificationMessage } from './message.js';

export interface NotificationChannel {
  /** Stable while the channel's configuration does not change (keys the outbox and the disabled list). */
  readonly id: string;
  /** Safe to show: kind and host, never a secret. */
  readonly label: string;
  /** Smallest gap between two messages, to stay under the platform's rate limit. */
  readonly minIntervalMs: number;
  /** Sends one message; throws a DeliveryError that says whether trying again can help. */
  send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult>;
  /** Releases connections (SMTP pool); optional. */
  close?(): Promise<void>;
}

export interface SendResult {
  /** The platform asked for a pause before the next message (rate-limit headers). */
  readonly waitBeforeNextMs?: number;
}

export type DeliveryErrorKind = 'temporary' | 'permanent';

/** Why a message was not accepted. Its text is safe to show: it never contains a URL's secret part. */
export class DeliveryError extends AppError {
  readonly kind: DeliveryErrorKind;
  /** How long the platform asked us to wait (Retry-After, Discord's retry_after). */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(
    code: string,
    message: string,
    options: { kind: DeliveryErrorKind; retryAfterMs?: number | undefined; status?: number | undefined; cause?: unknown },
  ) {
    super(code, message, { cause: options.cause });
    this.kind = options.kind;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
  get permanent(): boolean {
    return this.kind === 'permanent';
  }
}

/** Any error → a DeliveryError: unknown failures count as temporary (network blips). */
export function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return new DeliveryError('timeout', 'no answer in time', { kind: 'temporary', cause: error });
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.cause?.code ?? (error as { code?: unknown } | null)?.code;
  return new DeliveryError('network', `network error${typeof code === 'string' ? ` (${code})` : ''}`, { kind: 'temporary', cause: error });
}
