/**
 * The Slack bot as a notification channel: `chat.postMessage` into the alert channel, with the
 * bot token, through the Web API (never through the Socket Mode socket, so a reconnect loses
 * nothing). Limits: ~1 message a second per channel (429 with Retry-After beyond), a top-level
 * `text` on every message (renderSlack provides it), ≤ 50 blocks.
 *
 * At start-up `prepare()` finds the channel (by id with `conversations.info`, or by name with
 * `conversations.list`), joins it when it is public and the bot is not in it, and reports what is
 * wrong in words a person can act on. Retries belong to the dispatcher: the WebClient given here
 * must not retry for long, and must reject 429s at once (`rejectRateLimitedCalls`) so that the
 * dispatcher honours their Retry-After.
 */
import { createHash } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import { DeliveryError, asDeliveryError, type NotificationChannel, type SendResult } from '../../notify/channel.js';
import type { NotificationMessage } from '../../notify/message.js';
import { renderSlack } from '../../notify/render/slack.js';
import { problemText, slackProblems, type SlackBotProblem } from './problems.js';
import { describeSlackError, failureText, isTemporary, AUTH_ERRORS } from './slack-errors.js';

/** A Slack conversation id (C… public, G… legacy private, D… direct); names are lower case. */
export const CHANNEL_ID_RE = /^[CGD][A-Z0-9]{6,}$/;

/** What a message becomes for `respond`, `chat.postEphemeral` and `chat.postMessage`. */
export interface SlackMessagePayload {
  readonly text: string;
  readonly blocks: webApi.Block[];
  readonly attachments: webApi.MessageAttachment[];
}

export function slackPayload(message: NotificationMessage, ownerId: string | undefined): SlackMessagePayload {
  const rendered = renderSlack(message, { ownerId });
  return {
    text: rendered.text,
    blocks: [...rendered.blocks],
    attachments: rendered.attachments.map((attachment) => ({ ...attachment, blocks: [...attachment.blocks] })),
  };
}


export interface SlackBotChannelOptions {
  /** A WebClient with the bot token, bounded retries and `rejectRateLimitedCalls: true`. */
  readonly client: webApi.WebClient;
  /** Used for the channel id only (hashed). */
  readonly botToken: string;
  /** `oneflex-alerts`, `#oneflex-alerts` or an id (`C0123ABCD`). */
  readonly alertChannel: string;
  readonly ownerId?: string | undefined;
  readonly logger: Logger;
}

interface ResolvedChannel {
  readonly id: string;
  readonly name: string;
}

export class SlackBotChannel implements NotificationChannel {
  readonly id: string;
  readonly label: string;
  readonly minIntervalMs = 1000;
  readonly #client: webApi.WebClient;
  readonly #wanted: string;
  readonly #ownerId: string | undefined;
  readonly #log: Logger;
  #resolved: ResolvedChannel | null = null;

  constructor(options: SlackBotChannelOptions) {
    this.#client = options.client;
    this.#wanted = options.alertChannel.trim().replace(/^#/, '');
    this.#ownerId = options.ownerId;
    this.#log = options.logger.child({ module: 'slack' });
    this.id = `slack-bot-${createHash('sha256').update(`${options.botToken}\n${this.#wanted}`).digest('hex').slice(0, 12)}`;
    this.label = `slack bot #${this.#wanted}`;
  }

  /** The alert channel as configured, without `#`. */
  get alertChannel(): string {
    return this.#wanted;
  }

  /** Its id once found. */
  get channelId(): string | null {
    return this.#resolved?.id ?? (CHANNEL_ID_RE.test(this.#wanted) ? this.#wanted : null);
  }

  /**
   * Finds the alert channel and makes sure the bot can post there; joins a public channel it is
   * not in. Returns the problems found (empty when all is well), each safe to show with its fix.
   * Never throws: an unreachable Slack is a problem to report, not a crash.
   */
  async prepare(): Promise<SlackBotProblem[]> {
    try {
      const info = CHANNEL_ID_RE.test(this.#wanted) ? await this.#infoById(this.#wanted) : await this.#findByName(this.#wanted);
      if (!info) return [slackProblems.alertChannelMissing(this.#wanted)];
      this.#resolved = { id: info.id, name: info.name };
      if (info.archived) return [slackProblems.archived(info.name)];
      if (info.member === false) {
        if (info.private) return [slackProblems.notMember(info.name)];
        const joined = await this.#join(info.id);
        if (joined !== true) return [slackProblems.notMember(info.name, joined)];
        this.#log.info('joined the Slack alert channel', { channel: `#${info.name}` });
      }
      return [];
    } catch (error) {
      const failure = describeSlackError(error);
      if (failure.kind === 'platform' && failure.error === 'missing_scope') {
        // Posting may still work (by name or id); only the check is impossible.
        return [slackProblems.missingScope(failure.needed ?? 'channels:read', `to find #${this.#wanted}`)];
      }
      if (failure.kind === 'platform' && AUTH_ERRORS.has(failure.error)) return [slackProblems.botTokenRefused(failure.error)];
      return [slackProblems.unchecked(this.#wanted, failureText(failure))];
    }
  }

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    const payload = slackPayload(message, this.#ownerId);
    const post = () =>
      this.#client.chat.postMessage({
        channel: this.#resolved?.id ?? this.#wanted,
        ...payload,
        unfurl_links: false,
        unfurl_media: false,
      });
    try {
      await abortable(post(), signal);
      return {};
    } catch (error) {
      const failure = describeSlackError(error);
      // Removed from a public channel: join again once, then post again.
      if (failure.kind === 'platform' && failure.error === 'not_in_channel' && this.#resolved) {
        const joined = await abortable(this.#join(this.#resolved.id), signal).catch(() => false);
        if (joined === true) {
          try {
            await abortable(post(), signal);
            return {};
          } catch (again) {
            throw this.#deliveryError(again);
          }
        }
      }
      throw this.#deliveryError(error);
    }
  }

  #deliveryError(error: unknown): DeliveryError {
    if (error instanceof DeliveryError) return error;
    const failure = describeSlackError(error);
    switch (failure.kind) {
      case 'rate-limited':
        return new DeliveryError('rate_limited', 'rate limited by Slack (HTTP 429)', { kind: 'temporary', status: 429, retryAfterMs: failure.retryAfterMs, cause: error });
      case 'network':
        return new DeliveryError('network', `Slack unreachable (${failure.detail})`, { kind: 'temporary', cause: error });
      case 'http':
        return isTemporary(failure)
          ? new DeliveryError('server_error', `Slack server error (HTTP ${failure.status})`, { kind: 'temporary', status: failure.status, cause: error })
          : new DeliveryError('rejected', `Slack refused the request (HTTP ${failure.status}); check SLACK_API_URL`, { kind: 'permanent', status: failure.status, cause: error });
      case 'platform':
        return this.#platformError(failure.error, failure.needed, error);
      case 'other':
        return asDeliveryError(error);
    }
  }

  #platformError(code: string, needed: string | undefined, cause: unknown): DeliveryError {
    const name = this.#resolved?.name ?? this.#wanted;
    const permanent = (problem: SlackBotProblem) => new DeliveryError(code, `${code}: ${problemText(problem)}`, { kind: 'permanent', cause });
    switch (code) {
      case 'channel_not_found':
        return permanent(slackProblems.alertChannelMissing(this.#wanted));
      case 'not_in_channel':
        return permanent(slackProblems.notMember(name));
      case 'is_archived':
        return permanent(slackProblems.archived(name));
      case 'missing_scope':
        return permanent(slackProblems.missingScope(needed ?? 'chat:write', 'to post alerts'));
      default:
        if (AUTH_ERRORS.has(code)) return permanent(slackProblems.botTokenRefused(code));
        if (isTemporary({ kind: 'platform', error: code, needed })) return new DeliveryError(code, `Slack could not take the message (${code})`, { kind: 'temporary', cause });
        return new DeliveryError(code, `Slack refused the message (${code})`, { kind: 'permanent', cause });
    }
  }

  async #infoById(id: string): Promise<ChannelInfo | null> {
    try {
      const answer = await this.#client.conversations.info({ channel: id });
      return answer.channel ? channelInfo(answer.channel) : null;
    } catch (error) {
      const failure = describeSlackError(error);
      if (failure.kind === 'platform' && failure.error === 'channel_not_found') return null;
      throw error;
    }
  }

  async #findByName(name: string): Promise<ChannelInfo | null> {
    let cursor: string | undefined;
    // Public channels first: they need only channels:read.
    for (const types of ['public_channel', 'private_channel'] as const) {
      cursor = undefined;
      for (let page = 0; page < 50; page++) {
        let answer;
        try {
          answer = await this.#client.conversations.list({ types, exclude_archived: false, limit: 1000, ...(cursor ? { cursor } : {}) });
        } catch (error) {
          const failure = describeSlackError(error);
          // Without groups:read the private channels stay invisible; the public ones were searched.
          if (types === 'private_channel' && failure.kind === 'platform' && failure.error === 'missing_scope') return null;
          throw error;
        }
        const found = answer.channels?.find((channel) => channel.name === name || channel.name_normalized === name);
        if (found) return channelInfo(found);
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    }
    return null;
  }

  /** True when joined, else the reason it could not. */
  async #join(id: string): Promise<true | string> {
    try {
      await this.#client.conversations.join({ channel: id });
      return true;
    } catch (error) {
      return failureText(describeSlackError(error));
    }
  }
}

interface ChannelInfo {
  readonly id: string;
  readonly name: string;
  readonly member: boolean | undefined;
  readonly private: boolean;
  readonly archived: boolean;
}

function channelInfo(channel: { id?: string; name?: string; is_member?: boolean; is_private?: boolean; is_archived?: boolean }): ChannelInfo {
  return {
    id: channel.id ?? '',
    name: channel.name ?? channel.id ?? '',
    member: channel.is_member,
    private: channel.is_private ?? false,
    archived: channel.is_archived ?? false,
  };
}

/** Rejects with the signal's reason when it aborts first; the call itself runs on (the WebClient has its own timeout). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(asDeliveryError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(asDeliveryError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
