/**
 * The Discord bot: one gateway connection (discord.js 14, intent Guilds only, caches trimmed to
 * what the alert channel and its permission check need, no message content), the `/oneflex`
 * slash command registered at each start (bulk overwrite per DISCORD_GUILD_ID, global without),
 * interactions routed to the chat handler, and the alert channel as a notification channel.
 *
 * Connection facts this file relies on (see ../shared/chat-protocols.md):
 * - a wrong token is a 401 on `GET /gateway/bot`, and `login()` rejects with `TokenInvalid`: the
 *   bot is then 'failed' with a clear problem, and the rest of the program carries on;
 * - close codes 4000/1001, op 7 and a resumable op 9 make discord.js resume on its own; fatal
 *   codes (4004 authentication failed, 4014 disallowed intents…) end in `shardDisconnect`;
 * - `login()` failing for any other reason (network) is not retried by discord.js: it is here,
 *   with a growing delay, on a new client each time (a destroyed client is not reusable);
 * - `destroy()` can hang when it lands in the middle of an identify: `stop()` bounds it.
 */
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Options,
  PermissionFlagsBits,
  Routes,
  Status,
  type Guild,
  type GuildBasedChannel,
  type Interaction,
} from 'discord.js';
import type { DiscordConfig } from '../../config/config.js';
import type { Logger } from '../../logger.js';
import { problemText, type ChatCommandHandler, type ChatConnection, type ChatProblem } from '../contract.js';
import { withTimeout } from '../timeout.js';
import { DiscordBotChannel, LONG_RATE_LIMIT_MS, type AlertTarget } from './channel.js';
import { buildCommandPayload, COMMAND_NAME } from './commands.js';
import { describeError, InteractionRouter, type InteractionTiming } from './interactions.js';

export type DiscordProblemCode =
  | 'token-refused'
  | 'gateway-closed'
  | 'unreachable'
  | 'registration-failed'
  | 'guild-missing'
  | 'alert-channel-missing'
  | 'alert-channel-not-text'
  | 'alert-channel-permissions';

/** Something a person must fix. `message` and `fix` are safe to show (no token, no URL). */
export interface DiscordBotProblem extends ChatProblem {
  readonly code: DiscordProblemCode;
}

/** Test speed-ups (and nothing a user configures). */
export interface DiscordClientTuning {
  /** discord.js's global REST limit (50/s, Discord's); a burst over it waits a whole second. */
  readonly restGlobalRequestsPerSecond?: number;
  /** Replaces the identify throttle (a re-identify otherwise waits ~5 s). */
  readonly identifyThrottler?: { waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> };
  /** How long startDiscordBot waits for the first ready before returning a 'connecting' bot. Default 20 s. */
  readonly startTimeoutMs?: number;
  /** Bound on `client.destroy()` in stop(). Default 5 s. */
  readonly stopTimeoutMs?: number;
  /** Delays between login attempts when Discord cannot be reached (the last one repeats). */
  readonly loginRetryDelaysMs?: readonly number[];
}

export interface StartDiscordBotOptions {
  readonly config: DiscordConfig;
  readonly handler: ChatCommandHandler;
  readonly logger: Logger;
  /**
   * Called once for each new problem (missing alert channel or permission, refused token…), e.g.
   * to publish a `channel-problem` event through the other channels. Called again only if the
   * problem goes away and comes back.
   */
  readonly onProblem?: (problem: DiscordBotProblem) => void;
  /** Each interaction's first-response and total time (metrics, benchmark). */
  readonly onInteractionTiming?: (timing: InteractionTiming) => void;
  readonly clientOptions?: DiscordClientTuning;
}

const DEFAULT_LOGIN_RETRY_DELAYS_MS = [5_000, 15_000, 30_000, 60_000, 120_000, 300_000];
/** Report "unreachable" to people only when it lasts: a NAS often boots before its network. */
const UNREACHABLE_REPORT_AFTER_ATTEMPTS = 3;
const REQUIRED_PERMISSIONS = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
] as const;

/** Starts the bot. Never throws: a refused token gives a bot in state 'failed' with its problem. */
export async function startDiscordBot(options: StartDiscordBotOptions): Promise<DiscordBot> {
  const bot = new DiscordBot(options);
  await bot.start();
  return bot;
}

export class DiscordBot implements ChatConnection {
  readonly platform = 'discord' as const;
  /** Posts to the alert channel; see channel.ts for how failures are classified. */
  readonly channel: DiscordBotChannel;

  readonly #options: StartDiscordBotOptions;
  readonly #tuning: DiscordClientTuning;
  readonly #log: Logger;
  readonly #router: InteractionRouter;
  #state: ChatConnection['state'] = 'connecting';
  #client: Client | null = null;
  #connectionProblem: DiscordBotProblem | null = null;
  #registrationProblems: DiscordBotProblem[] = [];
  #alertProblems: DiscordBotProblem[] = [];
  /** Keys of the problems already told to onProblem (and logged as errors). */
  readonly #reported = new Set<string>();
  /** The alert channel once looked for on this client (`null`: looked for, not usable). */
  #alert: { readonly channelId: string; readonly guildId: string } | null = null;
  #alertResolved = false;
  #registered = false;
  #loginAttempts = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #loginInFlight: Promise<unknown> | null = null;
  #stopping: Promise<void> | null = null;

  constructor(options: StartDiscordBotOptions) {
    this.#options = options;
    this.#tuning = options.clientOptions ?? {};
    this.#log = options.logger.child({ module: 'discord' });
    this.#router = new InteractionRouter(options.handler, this.#log, options.onInteractionTiming);
    this.channel = new DiscordBotChannel({
      token: options.config.token,
      alertChannel: options.config.alertChannel,
      ownerId: options.config.ownerId,
      target: () => this.#alertTarget(),
    });
  }

  get state(): ChatConnection['state'] {
    return this.#state;
  }

  /** The first of {@link problems}, or null. */
  get problem(): string | null {
    return this.problems[0] ?? null;
  }

  /** Everything that is wrong right now, each with its fix, most fundamental first. */
  get problems(): readonly string[] {
    return this.problemDetails.map(problemText);
  }

  get problemDetails(): readonly DiscordBotProblem[] {
    return [...(this.#connectionProblem ? [this.#connectionProblem] : []), ...this.#registrationProblems, ...this.#alertProblems];
  }

  /** The alert channel's id once found. */
  get alertChannelId(): string | null {
    return this.#alert?.channelId ?? null;
  }

  /** Connects; resolves once ready (commands registered, alert channel checked), failed, or after the start timeout. */
  async start(): Promise<void> {
    await withTimeout(this.#connect(), this.#tuning.startTimeoutMs ?? 20_000);
    if (this.#state === 'connecting') this.#log.warn('Discord is not ready yet; carrying on without waiting', { problem: this.problem ?? undefined });
  }

  /** Disconnects; never hangs longer than the stop timeout. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const limit = this.#tuning.stopTimeoutMs ?? 5_000;
    // discord.js 14.28 hangs in destroy() when it lands while a shard waits for READY or RESUMED
    // (its own timeout handler starts a second destroy that reconnects 500 ms later, and the
    // first never resolves). So let an identify or resume in flight finish first, within bounds.
    if (this.#loginInFlight) await withTimeout(this.#loginInFlight.catch(() => undefined), limit);
    const client = this.#client;
    this.#client = null;
    if (this.#state !== 'failed') this.#state = 'disconnected';
    if (client) {
      await withTimeout(settled(client), limit);
      await this.#destroy(client, limit);
    }
    this.#log.info('Discord bot stopped');
  }

  get #stopped(): boolean {
    return this.#stopping !== null;
  }

  async #destroy(client: Client, limit: number): Promise<void> {
    const outcome = await withTimeout(
      client.destroy().then(
        () => 'done' as const,
        (error: unknown) => {
          this.#log.warn('Discord client destroy failed', { error: describeError(error) });
          return 'done' as const;
        },
      ),
      limit,
    );
    if (outcome === 'timeout') this.#log.warn('Discord client did not close in time; abandoning it', { timeoutMs: limit });
  }

  // ------------------------------------------------------------------------------ connection

  /** One login attempt on a new client. Resolves when ready is handled or the attempt failed; never rejects. */
  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#loginAttempts += 1;
    this.#state = 'connecting';
    const client = this.#createClient();
    this.#client = client;
    this.#alert = null;
    this.#alertResolved = false;
    const readyHandled = new Promise<void>((resolve) => {
      client.once(Events.ClientReady, (ready) => {
        void this.#onReady(ready).finally(resolve);
      });
    });
    const login = client.login(this.#options.config.token);
    this.#loginInFlight = login;
    try {
      await login;
    } catch (error) {
      // login() has destroyed the client already.
      if (this.#client === client) this.#client = null;
      if (this.#stopped) return;
      this.#onLoginFailed(error);
      return;
    } finally {
      this.#loginInFlight = null;
    }
    // stop() waits for the login, then destroys the client itself.
    if (this.#stopped) return;
    await readyHandled;
  }

  #createClient(): Client {
    const { config } = this.#options;
    const throttler = this.#tuning.identifyThrottler;
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      // Guilds, channels, roles and permission overwrites stay (the alert channel's permission
      // check needs them); of the members, only the bot's own; nothing else is kept.
      makeCache: Options.cacheWithLimits({
        ApplicationCommandManager: 0,
        ApplicationEmojiManager: 0,
        AutoModerationRuleManager: 0,
        BaseGuildEmojiManager: 0,
        DMMessageManager: 0,
        EntitlementManager: 0,
        GuildBanManager: 0,
        GuildEmojiManager: 0,
        GuildForumThreadManager: 0,
        GuildInviteManager: 0,
        GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
        GuildMessageManager: 0,
        GuildScheduledEventManager: 0,
        GuildStickerManager: 0,
        GuildTextThreadManager: 0,
        MessageManager: 0,
        PresenceManager: 0,
        ReactionManager: 0,
        ReactionUserManager: 0,
        StageInstanceManager: 0,
        ThreadManager: 0,
        ThreadMemberManager: 0,
        UserManager: 0,
        VoiceStateManager: 0,
      }),
      // Nothing the bot says pings anyone unless a message names who (the owner on token-expired).
      allowedMentions: { parse: [], repliedUser: false },
      rest: {
        ...(config.apiUrl ? { api: restBase(config.apiUrl) } : {}),
        ...(this.#tuning.restGlobalRequestsPerSecond ? { globalRequestsPerSecond: this.#tuning.restGlobalRequestsPerSecond } : {}),
        // A long wait on the alert channel goes back to the dispatcher (it has the outbox and
        // its own schedule); short ones, and everything else, are waited out by discord.js.
        rejectOnRateLimit: (data) => data.route === '/channels/:id/messages' && data.timeToReset > LONG_RATE_LIMIT_MS,
      },
      ...(throttler ? { ws: { buildIdentifyThrottler: () => throttler } } : {}),
    });
    client.on(Events.InteractionCreate, (interaction: Interaction) => {
      if (this.#stopped) return;
      this.#router.handle(interaction).catch((error: unknown) => {
        // handle() catches everything; this is the last net so nothing is ever unhandled.
        this.#log.error('discord interaction handling failed', { interactionId: interaction.id, error: describeError(error) });
      });
    });
    client.on(Events.ShardReady, () => {
      if (this.#stopped || client !== this.#client) return;
      this.#state = 'connected';
    });
    client.on(Events.ShardResume, (_shardId, replayed) => {
      if (this.#stopped || client !== this.#client) return;
      this.#state = 'connected';
      this.#log.info('Discord gateway resumed', { replayed });
    });
    client.on(Events.ShardReconnecting, () => {
      if (this.#stopped || client !== this.#client) return;
      this.#state = 'disconnected';
      this.#log.warn('Discord gateway connection lost; reconnecting');
    });
    client.on(Events.ShardDisconnect, (event) => {
      if (this.#stopped || client !== this.#client) return;
      this.#onFatalClose(event.code);
    });
    client.on(Events.ShardError, (error) => this.#log.warn('Discord gateway error', { error: describeError(error) }));
    client.on(Events.Error, (error) => this.#log.error('Discord client error', { error: describeError(error) }));
    client.on(Events.Warn, (message) => this.#log.warn('Discord client warning', { warning: message }));
    // Anything that can change where alerts go, or whether the bot may post there.
    const recheck = (): void => {
      if (!this.#stopped && client === this.#client && client.isReady() && this.#alertResolved) this.#checkAlertChannel(client);
    };
    for (const event of [
      Events.ChannelCreate,
      Events.ChannelUpdate,
      Events.ChannelDelete,
      Events.GuildCreate,
      Events.GuildDelete,
      Events.GuildRoleCreate,
      Events.GuildRoleUpdate,
      Events.GuildRoleDelete,
    ] as const) {
      client.on(event, recheck);
    }
    return client;
  }

  async #onReady(client: Client<true>): Promise<void> {
    if (this.#stopped || client !== this.#client) return;
    this.#state = 'connected';
    this.#loginAttempts = 0;
    this.#setConnectionProblem(null);
    try {
      if (!this.#registered) await this.#registerCommands(client);
      this.#checkAlertChannel(client);
      this.#alertResolved = true;
      this.#log.info('Discord bot ready', {
        botUserId: client.user.id,
        guilds: client.guilds.cache.size,
        alertChannelId: this.#alert?.channelId ?? null,
        problems: this.problemDetails.length,
      });
    } catch (error) {
      this.#alertResolved = true;
      this.#log.error('Discord start-up checks failed', { error: describeError(error) });
    }
  }

  #onLoginFailed(error: unknown): void {
    const code = (error as { code?: unknown }).code;
    // A fatal close during the identify (4004) has already said the token is refused.
    if (this.#connectionProblem?.code === 'token-refused') {
      this.#state = 'failed';
      return;
    }
    if (code === 'TokenInvalid') {
      this.#state = 'failed';
      this.#setConnectionProblem({
        code: 'token-refused',
        message: 'Discord refused DISCORD_TOKEN (401 Unauthorized)',
        fix: 'copy the bot token again from the Discord Developer Portal (Bot → Reset Token), put it in DISCORD_TOKEN and restart; scheduled booking, webhooks and e-mail keep working meanwhile',
      });
      return;
    }
    const delays = this.#tuning.loginRetryDelaysMs ?? DEFAULT_LOGIN_RETRY_DELAYS_MS;
    const delay = delays[Math.min(this.#loginAttempts - 1, delays.length - 1)] ?? 60_000;
    this.#state = 'disconnected';
    const detail = describeError(error);
    this.#setConnectionProblem(
      {
        code: 'unreachable',
        message: `Discord cannot be reached (${String(detail.status ?? detail.code ?? detail.name ?? 'error')}: ${String(detail.message ?? '')})`,
        fix: `check the network${this.#options.config.apiUrl ? ' and DISCORD_API_URL' : ''}; the bot tries again by itself, and alerts go out through the other channels meanwhile`,
      },
      this.#loginAttempts >= UNREACHABLE_REPORT_AFTER_ATTEMPTS,
    );
    this.#log.warn('Discord login failed; will try again', { attempt: this.#loginAttempts, retryInMs: delay, error: detail });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect();
    }, delay);
    this.#retryTimer.unref();
  }

  #onFatalClose(code: number): void {
    this.#state = 'failed';
    const known: Record<number, { message: string; fix: string; token?: true }> = {
      4004: {
        message: 'Discord closed the connection: authentication failed (4004)',
        fix: 'DISCORD_TOKEN was reset or revoked: copy the new one from the Developer Portal (Bot → Reset Token) and restart',
        token: true,
      },
      4013: { message: 'Discord closed the connection: invalid intents (4013)', fix: 'update oneflex-bot' },
      4014: { message: 'Discord closed the connection: disallowed intents (4014)', fix: 'update oneflex-bot (it asks for the Guilds intent only)' },
    };
    const entry = known[code] ?? { message: `Discord closed the connection for good (${code})`, fix: 'restart the bot; if it happens again, check DISCORD_TOKEN' };
    this.#setConnectionProblem({ code: entry.token ? 'token-refused' : 'gateway-closed', message: entry.message, fix: entry.fix });
  }

  // ------------------------------------------------------------------------------ commands

  async #registerCommands(client: Client<true>): Promise<void> {
    const body = buildCommandPayload(this.#options.handler.specs);
    const appId = client.application.id;
    const { guildIds } = this.#options.config;
    // A server the bot is not in is reported by the alert channel check ('guild-missing').
    const targets: (string | null)[] = guildIds.length > 0 ? guildIds.filter((id) => client.guilds.cache.has(id)) : [null];
    const problems: DiscordBotProblem[] = [];
    await Promise.all(
      targets.map(async (guildId) => {
        try {
          await client.rest.put(guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId), { body });
          this.#log.info('slash command registered', { command: COMMAND_NAME, scope: guildId ?? 'global', subcommands: body[0]?.options?.length ?? 0 });
        } catch (error) {
          const where = guildId ? `in server ${guildId}` : 'globally';
          const missingAccess = error instanceof DiscordAPIError && error.code === 50001;
          problems.push({
            code: 'registration-failed',
            message: `could not register /${COMMAND_NAME} ${where} (${String(describeError(error).message)})`,
            fix: missingAccess
              ? `invite the bot to that server with the "bot" and "applications.commands" scopes (Developer Portal → OAuth2 → URL Generator), or fix DISCORD_GUILD_ID`
              : 'check the bot logs; the command definitions were refused or Discord failed, restart to try again',
          });
        }
      }),
    );
    this.#registered = problems.length === 0;
    this.#registrationProblems = problems;
    for (const problem of problems) this.#report(problem);
  }

  // ------------------------------------------------------------------------------ alert channel

  /** Finds the alert channel and checks the bot's permissions there; reports what changed. */
  #checkAlertChannel(client: Client<true>): void {
    const { config } = this.#options;
    const wanted = config.alertChannel.replace(/^#/, '');
    const problems: DiscordBotProblem[] = [];
    const guilds: Guild[] = [];
    if (config.guildIds.length > 0) {
      for (const id of config.guildIds) {
        const guild = client.guilds.cache.get(id);
        if (guild) guilds.push(guild);
        else
          problems.push({
            code: 'guild-missing',
            message: `the bot is not in the Discord server ${id} (DISCORD_GUILD_ID)`,
            fix: 'invite it with the "bot" and "applications.commands" scopes (Developer Portal → OAuth2 → URL Generator), or fix DISCORD_GUILD_ID',
          });
      }
    } else {
      guilds.push(...client.guilds.cache.values());
    }
    const all = guilds.flatMap((guild) => [...guild.channels.cache.values()]);
    const byId = all.filter((channel) => channel.id === wanted);
    const matches = byId.length > 0 ? byId : all.filter((channel) => channel.name.toLowerCase() === wanted.toLowerCase());
    const textual = matches.filter((channel) => channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement);
    const found: GuildBasedChannel | undefined = textual[0];
    if (!found) {
      const where = guilds.length > 0 ? `in ${guilds.map((guild) => `"${guild.name}"`).join(', ')}` : 'in any server (the bot is in none)';
      problems.push(
        matches.length > 0
          ? {
              code: 'alert-channel-not-text',
              message: `#${wanted} ${where} is not a text channel`,
              fix: 'point DISCORD_ALERT_CHANNEL at a text channel (name or id)',
            }
          : {
              code: 'alert-channel-missing',
              message: `the alert channel #${wanted} was not found ${where}`,
              fix: `create a text channel #${wanted} (or set DISCORD_ALERT_CHANNEL to an existing channel's name or id) and invite the bot to it`,
            },
      );
    } else {
      if (textual.length > 1) {
        this.#log.warn('several channels match DISCORD_ALERT_CHANNEL; using the first', { channelId: found.id, guildId: found.guild.id, matches: textual.length });
      }
      const me = found.guild.members.me;
      const permissions = me ? found.permissionsFor(me) : null;
      const missing = permissions ? REQUIRED_PERMISSIONS.filter(([, flag]) => !permissions.has(flag)).map(([name]) => name) : [];
      if (missing.length > 0) {
        problems.push({
          code: 'alert-channel-permissions',
          message: `the bot lacks ${missing.join(', ')} in #${found.name} ("${found.guild.name}")`,
          fix: `give the bot View Channel, Send Messages and Embed Links in #${found.name} (channel settings → Permissions)`,
        });
      }
    }
    this.#alert = found ? { channelId: found.id, guildId: found.guild.id } : null;
    const before = new Set(this.#alertProblems.map(problemKey));
    const after = new Set(problems.map(problemKey));
    for (const old of this.#alertProblems) {
      if (!after.has(problemKey(old))) {
        this.#reported.delete(problemKey(old));
        this.#log.info('Discord alert channel problem solved', { code: old.code, was: old.message });
      }
    }
    this.#alertProblems = problems;
    for (const problem of problems) if (!before.has(problemKey(problem))) this.#report(problem);
  }

  #alertTarget(): AlertTarget {
    const connection = this.#connectionProblem;
    if (connection?.code === 'token-refused') return { kind: 'broken', reason: problemText(connection) };
    const client = this.#client;
    if (this.#stopped || !client || !this.#alertResolved) return { kind: 'waiting', reason: 'Discord not connected yet' };
    if (!this.#alert) {
      const problem = this.#alertProblems.find((p) => p.code.startsWith('alert-channel')) ?? this.#alertProblems[0];
      return { kind: 'broken', reason: problem ? problemText(problem) : `the alert channel #${this.#options.config.alertChannel} was not found` };
    }
    return { kind: 'ready', rest: client.rest, channelId: this.#alert.channelId };
  }

  // ------------------------------------------------------------------------------ problems

  #setConnectionProblem(problem: DiscordBotProblem | null, notify = true): void {
    const previous = this.#connectionProblem;
    this.#connectionProblem = problem;
    if (previous && (!problem || problemKey(previous) !== problemKey(problem))) {
      this.#reported.delete(problemKey(previous));
      if (!problem) this.#log.info('Discord connection problem solved', { code: previous.code });
    }
    if (problem && notify) this.#report(problem);
  }

  /** Logs a problem as an error and tells onProblem, once until it is solved. */
  #report(problem: DiscordBotProblem): void {
    const key = problemKey(problem);
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#log.error('Discord problem', { code: problem.code, problem: problem.message, fix: problem.fix });
    try {
      this.#options.onProblem?.(problem);
    } catch (error) {
      this.#log.error('onProblem callback failed', { error: describeError(error) });
    }
  }
}

/** Resolves when every shard is Ready (not identifying, resuming or reconnecting). */
function settled(client: Client): Promise<void> {
  const busy = () => client.ws.shards.some((shard) => shard.status !== Status.Ready && shard.status !== Status.Disconnected && shard.status !== Status.Idle);
  if (!busy()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const check = (): void => {
      if (busy()) return;
      client.off(Events.ShardReady, check);
      client.off(Events.ShardResume, check);
      resolve();
    };
    client.on(Events.ShardReady, check);
    client.on(Events.ShardResume, check);
  });
}

function problemKey(problem: DiscordBotProblem): string {
  return `${problem.code}:${problem.message}`;
}

/** discord.js appends `/v10` itself: accept a base given with or without it. */
function restBase(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '').replace(/\/v\d+$/, '');
}
