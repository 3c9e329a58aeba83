/**
 * Incoming webhooks: Discord, Slack, Microsoft Teams (Power Automate Workflows), Google Chat and
 * generic JSON. The format was chosen from the URL when the configuration was read; here the
 * message is rendered for it, posted, and the answer classified: accepted, try again (network,
 * timeout, 5xx, 429 with its wait) or permanent (the URL is dead or the payload refused).
 */
import type { WebhookFormat, WebhookTarget } from '../../config/webhooks.js';
import { DeliveryError, asDeliveryError, type NotificationChannel, type SendResult } from '../channel.js';
import type { NotificationMessage } from '../message.js';
import { renderDiscord } from '../render/discord.js';
import { renderGoogleChat } from '../render/gchat.js';
import { renderJson } from '../render/json.js';
import { renderSlack } from '../render/slack.js';
import { renderTeams } from '../render/teams.js';
import { oneLine } from '../render/truncate.js';

/** Gaps that keep one webhook under its platform's limit (chat-protocols.md). */
const MIN_INTERVAL_MS: Record<WebhookFormat, number> = {
  discord: 0, // paced by its rate-limit headers instead (5 requests / 2 s per webhook)
  slack: 1000, // ~1 message a second per channel
  gchat: 1000, // ~60 a minute per space
  teams: 500,
  json: 0,
};

export interface WebhookChannelOptions {
  readonly ownerIds?: { readonly discord?: string | undefined; readonly slack?: string | undefined };
  readonly timeoutMs?: number;
}

export class WebhookChannel implements NotificationChannel {
  readonly id: string;
  readonly label: string;
  readonly minIntervalMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly target: WebhookTarget,
    private readonly options: WebhookChannelOptions = {},
  ) {
    this.id = target.id;
    this.label = target.label;
    this.minIntervalMs = MIN_INTERVAL_MS[target.format];
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  render(message: NotificationMessage): unknown {
    switch (this.target.format) {
      case 'discord':
        return renderDiscord(message, { ownerId: this.options.ownerIds?.discord });
      case 'slack':
        return renderSlack(message, { ownerId: this.options.ownerIds?.slack });
      case 'teams':
        return renderTeams(message);
      case 'gchat':
        return renderGoogleChat(message);
      case 'json':
        return renderJson(message);
    }
  }

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    const body = JSON.stringify(this.render(message));
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'oneflex-bot' },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      throw asDeliveryError(error);
    }
    if (response.ok) return { waitBeforeNextMs: rateLimitPause(response.headers) };
    throw classify(this.target.format, response.status, response.headers, text);
  }
}

/** Discord's bucket headers: when none is left, wait for the reset before the next message. */
function rateLimitPause(headers: Headers): number | undefined {
  if (headers.get('x-ratelimit-remaining') !== '0') return undefined;
  const resetAfter = Number(headers.get('x-ratelimit-reset-after'));
  return Number.isFinite(resetAfter) && resetAfter > 0 ? Math.ceil(resetAfter * 1000) : undefined;
}

/** Seconds (or an HTTP date) in Retry-After, or Discord's JSON `retry_after` (seconds, may be fractional). */
export function retryAfterMs(headers: Headers, body: string, now = Date.now()): number | undefined {
  const header = headers.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  try {
    const parsed = JSON.parse(body) as { retry_after?: unknown };
    if (typeof parsed.retry_after === 'number' && parsed.retry_after >= 0) return Math.ceil(parsed.retry_after * 1000);
  } catch {
    // Not JSON: no body hint.
  }
  const reset = Number(headers.get('x-ratelimit-reset-after'));
  return Number.isFinite(reset) && reset > 0 ? Math.ceil(reset * 1000) : undefined;
}

/** A short, safe excerpt of an error body (platform error codes such as `no_text`, `channel_not_found`). */
function excerpt(body: string): string {
  const line = oneLine(body);
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function classify(format: WebhookFormat, status: number, headers: Headers, body: string): DeliveryError {
  const detail = excerpt(body);
  const said = detail ? `: ${detail}` : '';
  if (status === 429) {
    return new DeliveryError('rate_limited', `rate limited (HTTP 429)${said}`, { kind: 'temporary', status, retryAfterMs: retryAfterMs(headers, body) });
  }
  if (status >= 500 || status === 408) {
    return new DeliveryError('server_error', `server error (HTTP ${status})${said}`, { kind: 'temporary', status, retryAfterMs: retryAfterMs(headers, body) });
  }
  const hint =
    status === 404 || status === 410
      ? format === 'discord'
        ? 'the webhook was deleted (unknown webhook): create a new one and update NOTIFICATION_WEBHOOK_URL'
        : 'the webhook or its channel no longer exists: create a new one and update NOTIFICATION_WEBHOOK_URL'
      : status === 401 || status === 403
        ? 'the webhook refuses us (revoked or not allowed): create a new one and update NOTIFICATION_WEBHOOK_URL'
        : status === 400
          ? `the ${format} webhook refused the message: check that the URL is a ${format} webhook, or force the format with a prefix such as slack+https://`
          : 'check NOTIFICATION_WEBHOOK_URL';
  return new DeliveryError('rejected', `refused (HTTP ${status})${said}; ${hint}`, { kind: 'permanent', status });
}
