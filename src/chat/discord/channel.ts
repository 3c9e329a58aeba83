/**
 * The Discord bot as a notification channel: `POST /channels/:id/messages` with the embed of
 * `renderDiscord`, through discord.js's REST client, so it works while the gateway reconnects.
 *
 * What the REST client already does, and is not done twice here: a 429 is waited out (its
 * Retry-After) and retried, and the bucket headers pace the next posts; only a wait longer than
 * {@link LONG_RATE_LIMIT_MS} is handed back to the dispatcher as a temporary failure with its
 * delay. A 5xx or a reset connection is retried a few times at once by the REST client before it
 * reaches the dispatcher, whose backoff then takes over.
 * Permanent: 401 (token), 403 Missing Access / Missing Permissions (50001/50013), 404 Unknown
 * Channel (10003), any other 4xx (the payload was refused: trying it again cannot help).
 */
import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, Routes, type REST } from 'discord.js';
import { DeliveryError, asDeliveryError, type NotificationChannel, type SendResult } from '../../notify/channel.js';
import type { NotificationMessage } from '../../notify/message.js';
import { renderDiscord } from '../../notify/render/discord.js';

/** A rate limit longer than this is not waited out inside `send`: the dispatcher reschedules. */
export const LONG_RATE_LIMIT_MS = 10_000;

/** Where to post, as the bot knows it at the moment of sending. */
export type AlertTarget =
  | { readonly kind: 'ready'; readonly rest: REST; readonly channelId: string }
  /** Not connected yet, or reconnecting from scratch: try again later. */
  | { readonly kind: 'waiting'; readonly reason: string }
  /** Will not work until someone fixes something (bad token, no such channel). */
  | { readonly kind: 'broken'; readonly reason: string };

export interface DiscordBotChannelOptions {
  /** The DISCORD_TOKEN (only hashed into the id). */
  readonly token: string;
  /** DISCORD_ALERT_CHANNEL as configured (name or id). */
  readonly alertChannel: string;
  readonly ownerId: string | undefined;
  readonly target: () => AlertTarget;
}

export class DiscordBotChannel implements NotificationChannel {
  readonly id: string;
  readonly label: string;
  /** The REST client paces posts by Discord's bucket headers (5 messages / 5 s per channel). */
  readonly minIntervalMs = 0;

  constructor(private readonly options: DiscordBotChannelOptions) {
    const hash = createHash('sha256').update(`${options.token}\n${options.alertChannel}`).digest('hex').slice(0, 12);
    this.id = `discord-bot-${hash}`;
    this.label = `discord bot #${options.alertChannel}`;
  }

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    const target = this.options.target();
    if (target.kind === 'waiting') throw new DeliveryError('discord_not_connected', target.reason, { kind: 'temporary' });
    if (target.kind === 'broken') throw new DeliveryError('discord_unusable', target.reason, { kind: 'permanent' });
    const body = renderDiscord(message, { ownerId: this.options.ownerId });
    try {
      await target.rest.post(Routes.channelMessages(target.channelId), { body, signal });
      return {};
    } catch (error) {
      throw discordDeliveryError(error, this.options.alertChannel);
    }
  }
}

/** A failed REST call → a DeliveryError whose text says what to fix. Never includes a URL or body. */
function discordDeliveryError(error: unknown, alertChannel: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const permissionsFix = `give the bot View Channel, Send Messages and Embed Links in #${alertChannel} (channel settings → Permissions)`;
  if (error instanceof RateLimitError) {
    return new DeliveryError('discord_rate_limited', `Discord rate limit: wait ${Math.ceil(error.timeToReset / 1000)} s`, {
      kind: 'temporary',
      retryAfterMs: Math.max(error.timeToReset, error.retryAfter),
      status: 429,
      cause: error,
    });
  }
  if (error instanceof DiscordAPIError) {
    const what = `Discord answered ${error.status} ${error.message} (code ${String(error.code)})`;
    const options = (kind: 'temporary' | 'permanent') => ({ kind, status: error.status, cause: error });
    if (error.status === 401) return new DeliveryError('discord_unauthorized', `${what}: DISCORD_TOKEN is wrong or was reset`, options('permanent'));
    if (error.status === 403) return new DeliveryError('discord_forbidden', `${what}: ${permissionsFix}`, options('permanent'));
    if (error.status === 404 && error.code === 10003) {
      return new DeliveryError('discord_unknown_channel', `${what}: #${alertChannel} no longer exists; create it or set DISCORD_ALERT_CHANNEL`, options('permanent'));
    }
    if (error.status === 429) {
      // Reached only when the REST client gave up waiting (it normally waits 429s out itself).
      const retryAfter = (error.rawError as { retry_after?: unknown }).retry_after;
      return new DeliveryError('discord_rate_limited', what, {
        ...options('temporary'),
        retryAfterMs: typeof retryAfter === 'number' ? Math.ceil(retryAfter * 1000) : undefined,
      });
    }
    if (error.status >= 500) return new DeliveryError('discord_server_error', what, options('temporary'));
    return new DeliveryError('discord_refused', what, options('permanent'));
  }
  if (error instanceof HTTPError) {
    return new DeliveryError('discord_server_error', `Discord answered ${error.status} ${error.message}`, {
      kind: error.status >= 500 ? 'temporary' : 'permanent',
      status: error.status,
      cause: error,
    });
  }
  // After a 401 the REST client forgets the token, and every later call fails like this.
  if (error instanceof Error && /Expected token to be set/.test(error.message)) {
    return new DeliveryError('discord_unauthorized', 'Discord refused DISCORD_TOKEN earlier: fix it and restart', { kind: 'permanent', cause: error });
  }
  return asDeliveryError(error);
}
