/**
 * A fake Discord on 127.0.0.1 that the real discord.js 14 talks to: the REST API under `/api/v10`
 * and the gateway over WebSocket (plain JSON text frames, no compression, API v10).
 *
 * Point a client at it with `rest: { api: apiUrl, globalRequestsPerSecond: 1000 }` (discord.js adds
 * `/v10` itself); the gateway URL is handed out by `GET /gateway/bot`, resumes use the
 * `resume_gateway_url` of READY. What the real Discord does and this fake copies (see
 * `../shared/chat-protocols.md`): a wrong bot token is a 401 on `GET /gateway/bot`; READY lists
 * the guilds as unavailable and one GUILD_CREATE per guild follows; missed dispatches are replayed
 * on resume; an interaction is answered once by `POST /interactions/:id/:token/callback` within
 * 3 s, then edited and followed up through `/webhooks/:app/:token`; 429 answers carry
 * `Retry-After`; message and modal limits (content 2000, embeds 6000/10, modal title 45) give 400.
 *
 * Everything is recorded, both directions, so tests can assert on payloads and grep for secrets:
 * {@link FakeDiscord.requests} (every REST call, with its headers and decoded path),
 * {@link FakeDiscord.frames} (every gateway frame), {@link FakeDiscord.unknownRoutes} (routes the
 * fake does not know: a gap to fill, answered 404). There are no artificial delays.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Waiters } from './waiters.js';

// ---------------------------------------------------------------------------------------------
// Protocol constants (copied from the Discord docs, not from the library under test)
// ---------------------------------------------------------------------------------------------

/** Gateway opcodes. */
export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Interaction types (`INTERACTION_CREATE.d.type`). */
export const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;

/** Interaction callback types (`POST /interactions/:id/:token/callback` body `type`). */
export const InteractionCallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

/** Application command option types. */
export const OptionType = {
  SubCommand: 1,
  SubCommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

/** Permission bits the fake uses (a subset of Discord's). */
export const Permission = {
  AddReactions: 1n << 6n,
  Administrator: 1n << 3n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseApplicationCommands: 1n << 31n,
} as const;

/** Message flag: only the invoking user sees the message. */
export const EPHEMERAL = 1 << 6;
/** Message flag: the deferred "is thinking…" placeholder. */
export const LOADING = 1 << 7;

/** What an ordinary member may do: see, talk, use slash commands; no Manage Guild, no Administrator. */
export const DEFAULT_MEMBER_PERMISSIONS = String(
  Permission.ViewChannel |
    Permission.SendMessages |
    Permission.EmbedLinks |
    Permission.AttachFiles |
    Permission.AddReactions |
    Permission.ReadMessageHistory |
    Permission.UseApplicationCommands,
);
/** Administrator: passes every `default_member_permissions`. */
export const ADMIN_PERMISSIONS = String(Permission.Administrator | BigInt(DEFAULT_MEMBER_PERMISSIONS));
const BOT_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.MentionEveryone |
  Permission.UseApplicationCommands;

/** The ids and token a default {@link FakeDiscord} uses; override any through {@link FakeDiscordOptions}. */
export const DISCORD_DEFAULTS = {
  token: 'MTAwMDAwMDAwMDAwMDAwMDAwMQ.G0FAKE.fake-discord-bot-token-do-not-leak',
  applicationId: '1000000000000000001',
  guildId: '2000000000000000001',
  alertChannelId: '3000000000000000001',
  generalChannelId: '3000000000000000002',
  ownerId: '4000000000000000001',
  memberId: '4000000000000000002',
} as const;

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/** A guild channel. */
export interface FakeDiscordChannel {
  readonly id: string;
  readonly name: string;
  /** 0 text (default), 2 voice, 4 category, 5 announcement. */
  readonly type?: number;
  /**
   * `false`: the bot lacks Send Messages here. The channel carries a permission overwrite that
   * denies it (so `permissionsFor(bot)` sees it) and `POST /channels/:id/messages` answers
   * 403 `{code: 50013, message: 'Missing Permissions'}`. Default `true`.
   */
  readonly botCanPost?: boolean;
}

/** A guild member (the user must exist in {@link FakeDiscordOptions.users}, or is made up). */
export interface FakeDiscordMember {
  readonly userId: string;
  /** The member's permissions in interactions (a decimal bitfield string). Default {@link DEFAULT_MEMBER_PERMISSIONS}. */
  readonly permissions?: string;
  readonly nick?: string;
  readonly roles?: readonly string[];
}

/** A guild the bot is in. */
export interface FakeDiscordGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId?: string;
  readonly channels: readonly FakeDiscordChannel[];
  readonly members?: readonly FakeDiscordMember[];
}

/** A user. */
export interface FakeDiscordUser {
  readonly id: string;
  readonly username: string;
  readonly globalName?: string;
  readonly bot?: boolean;
}

/** Everything is optional: the defaults are one guild with `#oneflex-alerts` and `#general`. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot <token>`, identify, resume). */
  readonly token?: string;
  readonly applicationId?: string;
  /** `flags` of the application object in READY and `GET /applications/@me`. Default 0. */
  readonly applicationFlags?: number;
  /** The bot user. Default: id = application id, username `OneFlex`. */
  readonly botUser?: FakeDiscordUser;
  readonly guilds?: readonly FakeDiscordGuild[];
  readonly users?: readonly FakeDiscordUser[];
  /** `heartbeat_interval` sent in HELLO. Default 41 250 ms (Discord's). */
  readonly heartbeatIntervalMs?: number;
  /** How long after dispatch an interaction may still get its first callback. Default 3000 ms. */
  readonly interactionDeadlineMs?: number;
  /** `session_start_limit.remaining` of `GET /gateway/bot`. Default 1000. */
  readonly sessionStartRemaining?: number;
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/** One REST request as the fake received it. */
export interface DiscordRestRecord {
  /** `Date.now()` at arrival. */
  readonly at: number;
  readonly method: string;
  /** The whole path, percent-decoded, without the query (`/api/v10/webhooks/1/t/messages/@original`). */
  readonly path: string;
  /** The path without `/api/v<n>` (`/webhooks/1/t/messages/@original`). */
  readonly route: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names, as Node gives them; includes `authorization`. */
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the `payload_json` part of a multipart body; `undefined` without a body. */
  readonly body: unknown;
  /** The raw body as text (for grepping). */
  readonly rawBody: string;
  /** Files of a multipart body (name and size only). */
  readonly files: readonly { readonly name: string; readonly filename: string; readonly size: number }[];
  /** Status the fake answered with (set when answered). */
  status: number;
  /** JSON the fake answered with (set when answered). */
  response: unknown;
}

/** One gateway frame. `toBot` = sent by the fake, `fromBot` = sent by the client. */
export interface GatewayFrameRecord {
  readonly at: number;
  readonly connectionId: number;
  readonly direction: 'toBot' | 'fromBot';
  readonly payload: GatewayPayload;
  readonly raw: string;
}

/** A gateway payload. */
export interface GatewayPayload {
  readonly op: number;
  readonly d?: unknown;
  readonly s?: number | null;
  readonly t?: string | null;
}

/** An embed as the fake stores it (the JSON the bot sent). */
export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string; icon_url?: string };
  author?: { name: string; url?: string; icon_url?: string };
  [key: string]: unknown;
}

/** A user object as Discord sends it. */
export interface DiscordUserObject {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
  [key: string]: unknown;
}

/** A message as the fake stores and returns it (a Discord message object). */
export interface FakeDiscordMessage {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: DiscordUserObject;
  content: string;
  embeds: DiscordEmbed[];
  components: unknown[];
  attachments: unknown[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  /** Users actually pinged: `<@id>` in the content, filtered by `allowed_mentions` as Discord does. */
  mentions: DiscordUserObject[];
  mention_roles: string[];
  pinned: boolean;
  /** The body the bot sent for this message (its last edit), for assertions. */
  sent: Record<string, unknown>;
  [key: string]: unknown;
}

/** One answer of the bot to an interaction, in arrival order. */
export type InteractionResponseRecord =
  | { readonly kind: 'callback'; readonly at: number; readonly type: number; readonly data: Record<string, unknown> | undefined }
  | { readonly kind: 'edit'; readonly at: number; readonly messageId: string; readonly body: Record<string, unknown> }
  | { readonly kind: 'followup'; readonly at: number; readonly messageId: string; readonly body: Record<string, unknown> }
  | { readonly kind: 'delete'; readonly at: number; readonly messageId: string };

/** An interaction the fake dispatched, and everything the bot answered to it. */
export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly type: number;
  /** The `d` of the INTERACTION_CREATE dispatch. */
  readonly payload: Record<string, unknown>;
  /** `performance.now()` when dispatched, and when the first callback arrived (for latency). */
  readonly dispatchedAt: number;
  firstResponseAt: number | null;
  /** Callbacks, edits, follow-ups and deletes, in order. */
  readonly responses: InteractionResponseRecord[];
  /** The first callback (`type` 4 reply, 5 deferred, 9 modal…), once answered. */
  callback: { type: number; data: Record<string, unknown> | undefined } | null;
  /** The original response message as it now stands (after edits); `null` before a type 4/5 callback or after a delete. */
  original: FakeDiscordMessage | null;
  readonly followUps: FakeDiscordMessage[];
}

/** A bulk registration (`PUT …/commands`). */
export interface CommandRegistrationRecord {
  readonly at: number;
  /** `null` for global commands. */
  readonly guildId: string | null;
  /** The body as sent. */
  readonly payload: unknown;
}

/** A stored application command (what Discord returns). */
export interface FakeApplicationCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  description: string;
  type: number;
  options?: CommandOption[];
  default_member_permissions: string | null;
  version: string;
  [key: string]: unknown;
}

/** A command option as registered. */
export interface CommandOption {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  options?: CommandOption[];
  choices?: { name: string; value: string | number }[];
  [key: string]: unknown;
}

/** A canned answer for {@link FakeDiscord.failNext}. */
export interface FakeRestFault {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Which requests a fault applies to. */
export interface FakeRestMatch {
  readonly method?: string;
  /** Matched against {@link DiscordRestRecord.route} (decoded, without `/api/v10`). */
  readonly route: string | RegExp;
}

/** Input of {@link FakeDiscord.sendCommand}. */
export interface SendCommandOptions {
  readonly userId: string;
  /** Subcommand name (`book`); omit for a command without subcommands. */
  readonly subcommand?: string;
  /** Subcommand group (`vacation` for `/oneflex vacation add`). */
  readonly group?: string;
  /**
   * Option values by name. The type of each option is taken from the registered command when
   * there is one (so `getInteger` works), else inferred: string 3, boolean 5, integer 4, number 10.
   * Raw option objects are passed through as they are.
   */
  readonly options?: Readonly<Record<string, string | number | boolean>> | readonly CommandOption[];
  /** Default: the first guild. `null`: a DM (no member, `user` at the top level). */
  readonly guildId?: string | null;
  /** Default: the guild's first text channel. */
  readonly channelId?: string;
  /** The member's permissions (decimal bitfield string). Default: the member's, else {@link DEFAULT_MEMBER_PERMISSIONS}. */
  readonly memberPermissions?: string;
  /** Default `oneflex`. */
  readonly commandName?: string;
  /** Default `en-US`. */
  readonly locale?: string;
  /** How long to wait for the first callback. Default: the interaction deadline (3000 ms). */
  readonly timeoutMs?: number;
}

/** Input of {@link FakeDiscord.submitModal}. */
export interface SubmitModalOptions {
  readonly userId: string;
  readonly customId: string;
  /** Text input values by their `custom_id`. */
  readonly fields: Readonly<Record<string, string>>;
  readonly guildId?: string | null;
  readonly channelId?: string;
  readonly memberPermissions?: string;
  readonly locale?: string;
  readonly timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeIncrement = 0n;
/** A real-looking snowflake (its timestamp part is now). */
function snowflake(): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

function apiError(status: number, code: number, message: string, errors?: unknown): FakeRestFault {
  return { status, body: errors === undefined ? { message, code } : { message, code, errors } };
}

const invalidForm = (errors: unknown): FakeRestFault => apiError(400, 50035, 'Invalid Form Body', errors);

/** Splits a multipart body into its parts (enough for discord.js uploads). */
function parseMultipart(raw: Buffer, boundary: string): { name: string; filename: string | null; data: Buffer }[] {
  const parts: { name: string; filename: string | null; data: Buffer }[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const head = part.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
      const filename = /filename="([^"]*)"/.exec(head)?.[1] ?? null;
      parts.push({ name, filename, data: part.subarray(headerEnd + 4) });
    }
    start = next;
  }
  return parts;
}

function embedLength(embed: DiscordEmbed): number {
  let total = (embed.title ?? '').length + (embed.description ?? '').length;
  total += (embed.footer?.text ?? '').length + (embed.author?.name ?? '').length;
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Discord's message limits; returns the `errors` object of a 400, or `null` when valid. */
function messageErrors(body: Json, { requireContent }: { requireContent: boolean }): FakeRestFault | null {
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = Array.isArray(body.embeds) ? (body.embeds as DiscordEmbed[]) : [];
  const components = Array.isArray(body.components) ? body.components : [];
  const errors: Json = {};
  const problem = (code: string, message: string) => ({ _errors: [{ code, message }] });
  if (content.length > 2000) errors.content = problem('BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  if (embeds.length > 10) errors.embeds = problem('BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  const embedErrors: Json = {};
  embeds.forEach((embed, index) => {
    const errs: Json = {};
    if ((embed.title ?? '').length > 256) errs.title = problem('BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    if ((embed.description ?? '').length > 4096) errs.description = problem('BASE_TYPE_MAX_LENGTH', 'Must be 4096 or fewer in length.');
    if ((embed.fields ?? []).length > 25) errs.fields = problem('BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    (embed.fields ?? []).forEach((field, fieldIndex) => {
      if (!field.name || field.name.length > 256 || !field.value || field.value.length > 1024) {
        errs.fields = { ...(isRecord(errs.fields) ? errs.fields : {}), [fieldIndex]: problem('BASE_TYPE_BAD_LENGTH', 'Field name 1-256, value 1-1024.') };
      }
    });
    if ((embed.footer?.text ?? '').length > 2048) errs.footer = problem('BASE_TYPE_MAX_LENGTH', 'Must be 2048 or fewer in length.');
    if (Object.keys(errs).length > 0) embedErrors[index] = errs;
  });
  if (Object.keys(embedErrors).length > 0) errors.embeds = embedErrors;
  if (embeds.reduce((sum, embed) => sum + embedLength(embed), 0) > 6000) {
    errors.embeds = problem('MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
  if (Object.keys(errors).length > 0) return invalidForm(errors);
  if (requireContent && content === '' && embeds.length === 0 && components.length === 0 && !Array.isArray(body.attachments)) {
    return apiError(400, 50006, 'Cannot send an empty message');
  }
  return null;
}

function modalErrors(data: Json | undefined): FakeRestFault | null {
  if (!data) return invalidForm({ data: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } });
  const errors: Json = {};
  const title = typeof data.title === 'string' ? data.title : '';
  if (title.length < 1 || title.length > 45) errors.title = { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 45 in length.' }] };
  if (typeof data.custom_id !== 'string' || data.custom_id.length < 1 || data.custom_id.length > 100) {
    errors.custom_id = { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] };
  }
  const components = Array.isArray(data.components) ? data.components : [];
  if (components.length < 1 || components.length > 5) errors.components = { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' }] };
  for (const input of modalTextInputs(components)) {
    if (typeof input.value === 'string' && input.value.length > 4000) errors.components = { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Text input value over 4000.' }] };
  }
  return Object.keys(errors).length > 0 ? invalidForm({ data: errors }) : null;
}

/** The text inputs (type 4) of a modal, whether in action rows (type 1) or labels (type 18). */
function modalTextInputs(components: unknown[]): Json[] {
  const inputs: Json[] = [];
  for (const component of components) {
    if (!isRecord(component)) continue;
    if (Array.isArray(component.components)) inputs.push(...modalTextInputs(component.components));
    if (isRecord(component.component)) inputs.push(...modalTextInputs([component.component]));
    if (component.type === 4) inputs.push(component);
  }
  return inputs;
}

const NAME_PATTERN = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

/** The checks Discord applies to a command registration; returns a 400 or `null`. */
function commandErrors(commands: unknown): FakeRestFault | null {
  if (!Array.isArray(commands)) return invalidForm({ _errors: [{ code: 'ARRAY_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' }] });
  const errors: Json = {};
  const checkOptions = (options: unknown, at: string): void => {
    if (options === undefined) return;
    if (!Array.isArray(options) || options.length > 25) {
      errors[at] = 'at most 25 options';
      return;
    }
    let optionalSeen = false;
    options.forEach((option: unknown, index: number) => {
      const where = `${at}.${index}`;
      if (!isRecord(option)) {
        errors[where] = 'not an object';
        return;
      }
      if (typeof option.name !== 'string' || !NAME_PATTERN.test(option.name)) errors[`${where}.name`] = 'invalid name (lower case, 1-32)';
      if (typeof option.description !== 'string' || option.description.length < 1 || option.description.length > 100) {
        errors[`${where}.description`] = 'description 1-100 required';
      }
      if (option.type === OptionType.SubCommand || option.type === OptionType.SubCommandGroup) {
        checkOptions(option.options, `${where}.options`);
        return;
      }
      if (option.required === true && optionalSeen) errors[`${where}.required`] = 'Required options must be placed before non-required options';
      if (option.required !== true) optionalSeen = true;
      if (Array.isArray(option.choices) && option.choices.length > 25) errors[`${where}.choices`] = 'at most 25 choices';
    });
  };
  const names = new Set<string>();
  commands.forEach((command: unknown, index: number) => {
    if (!isRecord(command)) {
      errors[String(index)] = 'not an object';
      return;
    }
    const type = typeof command.type === 'number' ? command.type : 1;
    if (typeof command.name !== 'string' || (type === 1 && !NAME_PATTERN.test(command.name))) errors[`${index}.name`] = 'invalid name (lower case, 1-32)';
    if (type === 1 && (typeof command.description !== 'string' || command.description.length < 1 || command.description.length > 100)) {
      errors[`${index}.description`] = 'description 1-100 required';
    }
    if (typeof command.name === 'string' && names.has(`${type}:${command.name}`)) errors[`${index}.name`] = 'Application command names must be unique';
    if (typeof command.name === 'string') names.add(`${type}:${command.name}`);
    checkOptions(command.options, `${index}.options`);
  });
  return Object.keys(errors).length > 0 ? invalidForm(errors) : null;
}

function mentionedIds(content: string, allowed: unknown): string[] {
  const ids = [...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1] ?? '');
  if (!isRecord(allowed)) return ids;
  const parse = Array.isArray(allowed.parse) ? allowed.parse : [];
  const users = Array.isArray(allowed.users) ? allowed.users : [];
  return ids.filter((id) => parse.includes('users') || users.includes(id));
}

// ---------------------------------------------------------------------------------------------
// Internal state shapes
// ---------------------------------------------------------------------------------------------

interface Connection {
  readonly id: number;
  readonly socket: WebSocket;
  /** The session this connection identified or resumed into. */
  session: Session | null;
}

interface Session {
  readonly id: string;
  seq: number;
  /** Dispatches with their sequence, kept for replay on resume. */
  readonly log: { s: number; t: string; d: unknown }[];
  connection: Connection | null;
}

interface LiveInteraction {
  readonly record: InteractionRecord;
  /** `Date.now()` of dispatch: the 3-second and 15-minute windows count from here. */
  readonly createdAt: number;
  readonly channelId: string;
  readonly guildId: string | null;
}

interface RequestContext {
  readonly method: string;
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly record: DiscordRestRecord;
}

type Reply = { status: number; body?: unknown; headers?: Readonly<Record<string, string>> };
type Handler = (context: RequestContext) => Reply;
interface RouteDefinition {
  readonly method: string;
  readonly segments: readonly string[];
  readonly auth: boolean;
  readonly handler: Handler;
}

const GATEWAY_PATH = '/gateway';
const RESUME_PATH = '/gateway/resume';
const INTERACTION_WEBHOOK_LIFETIME_MS = 15 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

/**
 * A fake Discord (REST + gateway) on 127.0.0.1. `start()` it, point discord.js at
 * {@link FakeDiscord.apiUrl}, drive it with {@link FakeDiscord.sendCommand} and
 * {@link FakeDiscord.submitModal}, read what the bot did from the records, `stop()` it.
 *
 * @example
 * ```ts
 * const fake = new FakeDiscord();
 * const { apiUrl } = await fake.start();
 * const client = new Client({
 *   intents: [GatewayIntentBits.Guilds],
 *   rest: { api: apiUrl, globalRequestsPerSecond: 1000 },
 *   ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) },
 * });
 * await client.login(fake.token);                 // resolves after READY + GUILD_CREATE
 * const record = await fake.sendCommand({ userId: DISCORD_DEFAULTS.memberId, subcommand: 'book', options: { date: '2026-12-01' } });
 * await fake.waitForResponses(record.id, 2);      // the deferral, then the edit
 * record.original?.content;                       // what the user now sees
 * await client.destroy();                         // before fake.stop(), or the client keeps reconnecting
 * await fake.stop();
 * ```
 */
export class FakeDiscord {
  /** The accepted bot token. */
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: DiscordUserObject;
  /** Every REST request, in arrival order. */
  readonly requests: DiscordRestRecord[] = [];
  /** Every gateway frame, both directions. */
  readonly frames: GatewayFrameRecord[] = [];
  /** REST requests the fake has no route for (answered 404): what discord.js needed that the fake lacks. */
  readonly unknownRoutes: DiscordRestRecord[] = [];
  /** Every bulk command registration, in order. */
  readonly registrations: CommandRegistrationRecord[] = [];
  /** Every interaction dispatched, by id. */
  readonly interactions = new Map<string, InteractionRecord>();
  /** Close codes of gateway connections, in order (`closedBy` says which side closed). */
  readonly closes: { connectionId: number; code: number; closedBy: 'fake' | 'bot' }[] = [];
  /** Counters of gateway sessions. */
  readonly gatewayStats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0 };

  readonly #options: Required<Pick<FakeDiscordOptions, 'heartbeatIntervalMs' | 'interactionDeadlineMs' | 'sessionStartRemaining' | 'applicationFlags'>>;
  readonly #integrationGrants = new Set<string>();
  readonly #guilds = new Map<string, FakeDiscordGuild>();
  readonly #users = new Map<string, DiscordUserObject>();
  readonly #members = new Map<string, FakeDiscordMember>(); // `${guildId}:${userId}`
  readonly #channels = new Map<string, { channel: FakeDiscordChannel; guildId: string; position: number }>();
  readonly #postingDenied = new Set<string>();
  readonly #messages = new Map<string, FakeDiscordMessage[]>();
  readonly #botRoleIds = new Map<string, string>();
  readonly #globalCommands: FakeApplicationCommand[] = [];
  readonly #guildCommands = new Map<string, FakeApplicationCommand[]>();
  readonly #live = new Map<string, LiveInteraction>();
  readonly #liveByToken = new Map<string, LiveInteraction>();
  readonly #faults: { match: FakeRestMatch; fault: FakeRestFault; remaining: number }[] = [];
  readonly #sessions = new Map<string, Session>();
  readonly #connections = new Set<Connection>();
  readonly #waiters = new Waiters('FakeDiscord');
  readonly #routes: RouteDefinition[] = [];
  #currentSession: Session | null = null;
  #connectionCounter = 0;
  #server: Server | null = null;
  #wss: WebSocketServer | null = null;
  #origin = '';

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? DISCORD_DEFAULTS.token;
    this.applicationId = options.applicationId ?? DISCORD_DEFAULTS.applicationId;
    this.#options = {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      interactionDeadlineMs: options.interactionDeadlineMs ?? 3_000,
      sessionStartRemaining: options.sessionStartRemaining ?? 1_000,
      applicationFlags: options.applicationFlags ?? 0,
    };
    this.botUser = userObject(options.botUser ?? { id: this.applicationId, username: 'OneFlex', bot: true });
    this.#users.set(this.botUser.id, this.botUser);
    const users = options.users ?? [
      { id: DISCORD_DEFAULTS.ownerId, username: 'alice', globalName: 'Alice' },
      { id: DISCORD_DEFAULTS.memberId, username: 'bob', globalName: 'Bob' },
    ];
    for (const user of users) this.#users.set(user.id, userObject(user));
    const guilds = options.guilds ?? [
      {
        id: DISCORD_DEFAULTS.guildId,
        name: 'OneFlex Team',
        ownerId: DISCORD_DEFAULTS.ownerId,
        channels: [
          { id: DISCORD_DEFAULTS.alertChannelId, name: 'oneflex-alerts' },
          { id: DISCORD_DEFAULTS.generalChannelId, name: 'general' },
        ],
        members: [{ userId: DISCORD_DEFAULTS.ownerId, permissions: ADMIN_PERMISSIONS }, { userId: DISCORD_DEFAULTS.memberId }],
      },
    ];
    for (const guild of guilds) {
      this.#guilds.set(guild.id, guild);
      this.#botRoleIds.set(guild.id, snowflake());
      guild.channels.forEach((channel, position) => {
        this.#channels.set(channel.id, { channel, guildId: guild.id, position });
        if (channel.botCanPost === false) this.#postingDenied.add(channel.id);
      });
      for (const member of guild.members ?? []) this.#members.set(`${guild.id}:${member.userId}`, member);
    }
    this.#defineRoutes();
  }

  /** `http://127.0.0.1:PORT/api`: the discord.js `rest.api` option (no `/v10`). */
  get apiUrl(): string {
    return `${this.#origin}/api`;
  }

  /** `ws://127.0.0.1:PORT/gateway`: what `GET /gateway/bot` hands out. */
  get gatewayUrl(): string {
    return `${this.#origin.replace(/^http/, 'ws')}${GATEWAY_PATH}`;
  }

  /** Whether a bot session currently has a live gateway connection. */
  get connected(): boolean {
    return this.#currentSession?.connection != null;
  }

  /** Listens on 127.0.0.1 on a free port. */
  async start(): Promise<{ apiUrl: string; gatewayUrl: string }> {
    if (this.#server) throw new Error('FakeDiscord: already started');
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.#handleHttp(req, res, Buffer.concat(chunks)));
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = (req.url ?? '').split('?')[0];
      if (pathname !== GATEWAY_PATH && pathname !== RESUME_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.#origin = `http://127.0.0.1:${port}`;
    this.#server = server;
    this.#wss = wss;
    return { apiUrl: this.apiUrl, gatewayUrl: this.gatewayUrl };
  }

  /** Drops every connection and stops listening. Destroy the discord.js client first. */
  async stop(): Promise<void> {
    for (const connection of this.#connections) connection.socket.terminate();
    this.#connections.clear();
    this.#wss?.close();
    const server = this.#server;
    this.#server = null;
    this.#wss = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------ test helpers

  /**
   * Dispatches an INTERACTION_CREATE for `/oneflex <subcommand>` (as Discord builds it: member with
   * user and permissions, channel object, app_permissions, locale, `entitlements: []`, token,
   * application_id, version 1) and resolves with its record once the bot has sent its first
   * callback; follow-ups and edits keep arriving in the same record
   * ({@link FakeDiscord.waitForResponses}). Rejects when no callback comes within the deadline,
   * or when the registered command is hidden from the member by `default_member_permissions`.
   * If the bot is between connections, the dispatch is replayed when it resumes, as Discord does.
   */
  /**
   * What a server admin does in Server Settings → Integrations → the app → the command → "Add
   * members or roles": the member may use the command whatever its `default_member_permissions`.
   */
  grantCommandAccess(userId: string, guildId: string = DISCORD_DEFAULTS.guildId): void {
    this.#integrationGrants.add(`${guildId}:${userId}`);
  }

  async sendCommand(options: SendCommandOptions): Promise<InteractionRecord> {
    const commandName = options.commandName ?? 'oneflex';
    const where = this.#where(options.guildId, options.channelId);
    const command = this.#findCommand(commandName, where.guildId);
    const permissions = this.#memberPermissions(where.guildId, options.userId, options.memberPermissions);
    if (command?.default_member_permissions != null && where.guildId !== null) {
      const required = BigInt(command.default_member_permissions);
      const has = BigInt(permissions);
      const granted = this.#integrationGrants.has(`${where.guildId}:${options.userId}`);
      if (!granted && (has & Permission.Administrator) === 0n && (has & required) !== required) {
        throw new Error(`FakeDiscord: /${commandName} is hidden from user ${options.userId} (default_member_permissions ${command.default_member_permissions})`);
      }
    }
    const data: Json = {
      id: command?.id ?? snowflake(),
      name: commandName,
      type: 1,
      options: this.#commandOptions(command, options),
    };
    if (command?.guild_id) data.guild_id = command.guild_id;
    const record = this.#dispatchInteraction(InteractionType.ApplicationCommand, data, where, options.userId, permissions, options.locale);
    await this.#waitForCallback(record, options.timeoutMs);
    return record;
  }

  /**
   * Dispatches a MODAL_SUBMIT interaction (type 5) with the given text input values and resolves
   * once the bot has answered it. The components mirror the modal the bot showed with that
   * `customId` (action rows or labels); fields the modal did not have are added as action rows.
   */
  async submitModal(options: SubmitModalOptions): Promise<InteractionRecord> {
    const where = this.#where(options.guildId, options.channelId);
    const permissions = this.#memberPermissions(where.guildId, options.userId, options.memberPermissions);
    const data: Json = { custom_id: options.customId, components: this.#modalSubmitComponents(options.customId, options.fields) };
    const record = this.#dispatchInteraction(InteractionType.ModalSubmit, data, where, options.userId, permissions, options.locale);
    await this.#waitForCallback(record, options.timeoutMs);
    return record;
  }

  /** Resolves once the interaction has at least `count` responses (callback, edits, follow-ups). */
  waitForResponses(interactionId: string, count: number, timeoutMs = 2_000): Promise<InteractionRecord> {
    return this.#waiters.until(
      () => {
        const record = this.interactions.get(interactionId);
        if (!record) throw new Error(`FakeDiscord: unknown interaction ${interactionId}`);
        return record.responses.length >= count ? record : undefined;
      },
      timeoutMs,
      `${count} responses to interaction ${interactionId}`,
    );
  }

  /** Messages posted into a channel (`POST /channels/:id/messages`), oldest first. */
  messagesIn(channelId: string): readonly FakeDiscordMessage[] {
    return this.#messages.get(channelId) ?? [];
  }

  /** Resolves with the first channel message (already there or still to come) that matches. */
  waitForMessage(predicate: (message: FakeDiscordMessage) => boolean, timeoutMs = 2_000): Promise<FakeDiscordMessage> {
    return this.#waiters.until(
      () => {
        for (const messages of this.#messages.values()) {
          const found = messages.find(predicate);
          if (found) return found;
        }
        return undefined;
      },
      timeoutMs,
      'a matching channel message',
    );
  }

  /** The commands registered for a guild, or the global ones without a guild id. */
  commands(guildId?: string): readonly FakeApplicationCommand[] {
    return guildId === undefined ? this.#globalCommands : (this.#guildCommands.get(guildId) ?? []);
  }

  /**
   * Answers the next `times` requests that match with a canned response instead of handling them
   * (they are still recorded). E.g. a 500, or a 403 on one route.
   */
  failNext(match: FakeRestMatch, fault: FakeRestFault, times = 1): void {
    this.#faults.push({ match, fault, remaining: times });
  }

  /**
   * The next `times` channel posts (`POST /channels/:id/messages`, optionally only in one channel)
   * answer 429 with a `Retry-After` header (seconds, fractions allowed) and the body Discord sends.
   */
  rateLimitMessages({ times = 1, retryAfterSeconds = 0.05, channelId }: { times?: number; retryAfterSeconds?: number; channelId?: string } = {}): void {
    this.failNext(
      { method: 'POST', route: channelId ? `/channels/${channelId}/messages` : /^\/channels\/[^/]+\/messages$/ },
      {
        status: 429,
        headers: {
          'Retry-After': String(retryAfterSeconds),
          'X-RateLimit-Limit': '5',
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset-After': String(retryAfterSeconds),
          'X-RateLimit-Bucket': 'fake-messages-bucket',
          'X-RateLimit-Scope': 'user',
        },
        body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false },
      },
      times,
    );
  }

  /**
   * Grants or withdraws the bot's Send Messages in a channel: REST posts answer 403/50013 while
   * withdrawn, and a CHANNEL_UPDATE with the matching permission overwrite is dispatched.
   */
  setBotCanPost(channelId: string, allowed: boolean): void {
    if (allowed) this.#postingDenied.delete(channelId);
    else this.#postingDenied.add(channelId);
    const entry = this.#channels.get(channelId);
    if (entry && this.#currentSession) this.dispatch('CHANNEL_UPDATE', this.#channelObject(entry.channel, entry.guildId, entry.position));
  }

  /** Sends a raw dispatch (`op 0`) to the current session (replayed on resume if disconnected). */
  dispatch(event: string, data: unknown): void {
    const session = this.#currentSession;
    if (!session) throw new Error('FakeDiscord: no bot session (the client has not identified)');
    this.#dispatch(session, event, data);
  }

  /**
   * Closes the current gateway connection from the server side with a close code (4000 unknown
   * error → discord.js resumes after ~500 ms; 4004 → fatal). Resolves when the socket is closed.
   */
  async closeGateway(code = 4000, reason = 'fake close'): Promise<void> {
    const connection = this.#currentSession?.connection;
    if (!connection) throw new Error('FakeDiscord: no live gateway connection to close');
    await this.#close(connection, code, reason);
  }

  /** Sends `op 7 Reconnect`: the client closes and resumes. */
  requestReconnect(): void {
    const connection = this.#currentSession?.connection;
    if (!connection) throw new Error('FakeDiscord: no live gateway connection');
    this.#send(connection, { op: GatewayOp.Reconnect, d: null });
  }

  /** Sends `op 9 Invalid Session` (`resumable` false → the client identifies afresh). */
  invalidateSession(resumable = false): void {
    const connection = this.#currentSession?.connection;
    if (!connection) throw new Error('FakeDiscord: no live gateway connection');
    if (!resumable && connection.session) this.#sessions.delete(connection.session.id);
    this.#send(connection, { op: GatewayOp.InvalidSession, d: resumable });
  }

  /**
   * Resolves when the gateway next reaches `ready` (an identify answered with READY and the
   * GUILD_CREATEs) or `resumed` (a resume answered with the replay and RESUMED). This is when the
   * fake has *sent* them: the client handles them a moment later, so wait on the client's own
   * event (`Events.ShardReady`, `Events.ShardResume`) before destroying it (discord.js 14.28 hangs
   * in `destroy()` when destroyed in the middle of an identify).
   */
  waitForGateway(event: 'ready' | 'resumed', timeoutMs = 3_000): Promise<void> {
    const key = event === 'ready' ? 'identifies' : 'resumes';
    const before = this.gatewayStats[key];
    return this.#waiters.until(() => (this.gatewayStats[key] > before ? true : undefined), timeoutMs, `gateway ${event}`).then(() => undefined);
  }

  /**
   * Everything the bot sent, as one string to grep for secrets: REST method, path, query and raw
   * body, and every gateway frame from the bot. Headers are left out (they carry the bot token by
   * design), and so is the `token` of identify (op 2) and resume (op 6), for the same reason; so
   * is what the fake itself sent (a modal submit carries what the user typed).
   */
  botOutput(): string {
    const lines: string[] = [];
    for (const request of this.requests) {
      lines.push(`${request.method} ${request.path} ${JSON.stringify(request.query)} ${request.rawBody}`);
    }
    for (const frame of this.frames) {
      if (frame.direction !== 'fromBot') continue;
      const carriesToken = (frame.payload.op === GatewayOp.Identify || frame.payload.op === GatewayOp.Resume) && isRecord(frame.payload.d);
      lines.push(carriesToken ? JSON.stringify({ ...frame.payload, d: { ...(frame.payload.d as Json), token: '<bot token: by protocol>' } }) : frame.raw);
    }
    return lines.join('\n');
  }

  // ------------------------------------------------------------------------------ gateway

  #onConnection(socket: WebSocket): void {
    const connection: Connection = { id: ++this.#connectionCounter, socket, session: null };
    this.#connections.add(connection);
    this.gatewayStats.connections += 1;
    let closedByFake = false;
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      const raw = rawToString(data);
      let payload: GatewayPayload;
      try {
        payload = JSON.parse(raw) as GatewayPayload;
      } catch {
        closedByFake = true;
        this.#close(connection, 4002, 'Error while decoding payload.').catch(() => undefined);
        return;
      }
      this.frames.push({ at: Date.now(), connectionId: connection.id, direction: 'fromBot', payload, raw });
      this.#onPayload(connection, payload, () => {
        closedByFake = true;
      });
    });
    socket.on('close', (code: number) => {
      this.#connections.delete(connection);
      if (!this.closes.some((entry) => entry.connectionId === connection.id)) {
        this.closes.push({ connectionId: connection.id, code, closedBy: closedByFake ? 'fake' : 'bot' });
      }
      if (connection.session?.connection === connection) connection.session.connection = null;
      this.#waiters.notify();
    });
    socket.on('error', () => undefined);
    this.#send(connection, { op: GatewayOp.Hello, d: { heartbeat_interval: this.#options.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] } });
  }

  #onPayload(connection: Connection, payload: GatewayPayload, markClosedByFake: () => void): void {
    switch (payload.op) {
      case GatewayOp.Heartbeat:
        this.gatewayStats.heartbeats += 1;
        this.#send(connection, { op: GatewayOp.HeartbeatAck });
        return;
      case GatewayOp.Identify: {
        const d = isRecord(payload.d) ? payload.d : {};
        if (d.token !== this.token) {
          markClosedByFake();
          this.#close(connection, 4004, 'Authentication failed.').catch(() => undefined);
          return;
        }
        if (connection.session) {
          markClosedByFake();
          this.#close(connection, 4005, 'Already authenticated.').catch(() => undefined);
          return;
        }
        this.#identify(connection);
        return;
      }
      case GatewayOp.Resume: {
        const d = isRecord(payload.d) ? payload.d : {};
        const session = typeof d.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
        if (d.token !== this.token || !session) {
          this.#send(connection, { op: GatewayOp.InvalidSession, d: false });
          return;
        }
        this.#resume(connection, session, typeof d.seq === 'number' ? d.seq : 0);
        return;
      }
      default:
        // Presence updates, guild member requests, voice: accepted and ignored.
        return;
    }
  }

  #identify(connection: Connection): void {
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, log: [], connection };
    const previous = this.#currentSession;
    if (previous && previous.connection && previous.connection !== connection) {
      // A second identify takes over, as a new shard 0 would; the old session lingers unresumable.
      previous.connection = null;
    }
    this.#sessions.set(session.id, session);
    this.#currentSession = session;
    connection.session = session;
    const guilds = [...this.#guilds.values()];
    this.#dispatch(session, 'READY', {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0, email: null },
      guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.#origin.replace(/^http/, 'ws')}${RESUME_PATH}`,
      shard: [0, 1],
      application: { id: this.applicationId, flags: this.#options.applicationFlags },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      auth: {},
      _trace: ['["fake-gateway",{"micros":0}]'],
    });
    for (const guild of guilds) this.#dispatch(session, 'GUILD_CREATE', this.#guildObject(guild, true));
    this.gatewayStats.identifies += 1;
    this.#waiters.notify();
  }

  #resume(connection: Connection, session: Session, seq: number): void {
    const old = session.connection;
    session.connection = connection;
    connection.session = session;
    this.#currentSession = session;
    if (old && old !== connection) old.session = null;
    for (const entry of session.log) {
      if (entry.s > seq) this.#send(connection, { op: GatewayOp.Dispatch, t: entry.t, s: entry.s, d: entry.d });
    }
    this.#dispatch(session, 'RESUMED', { _trace: ['["fake-gateway",{"micros":0}]'] });
    this.gatewayStats.resumes += 1;
    this.#waiters.notify();
  }

  #dispatch(session: Session, event: string, data: unknown): void {
    session.seq += 1;
    const entry = { s: session.seq, t: event, d: data };
    session.log.push(entry);
    if (session.log.length > 2_000) session.log.splice(0, session.log.length - 2_000);
    if (session.connection) this.#send(session.connection, { op: GatewayOp.Dispatch, t: event, s: entry.s, d: data });
  }

  #send(connection: Connection, payload: GatewayPayload): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    const raw = JSON.stringify(payload);
    this.frames.push({ at: Date.now(), connectionId: connection.id, direction: 'toBot', payload, raw });
    connection.socket.send(raw);
  }

  #close(connection: Connection, code: number, reason: string): Promise<void> {
    const socket = connection.socket;
    if (socket.readyState === socket.CLOSED) return Promise.resolve();
    this.closes.push({ connectionId: connection.id, code, closedBy: 'fake' });
    if (connection.session?.connection === connection) connection.session.connection = null;
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(code, reason);
      // A client that never answers the close frame is cut off.
      setTimeout(() => socket.terminate(), 1_000).unref();
    });
  }

  // ------------------------------------------------------------------------------ interactions

  #where(guildId: string | null | undefined, channelId: string | undefined): { guildId: string | null; channelId: string } {
    if (guildId === null) return { guildId: null, channelId: channelId ?? snowflake() };
    const guild = guildId === undefined ? [...this.#guilds.values()][0] : this.#guilds.get(guildId);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${String(guildId)}`);
    const channel = channelId ?? guild.channels.find((candidate) => (candidate.type ?? 0) === 0)?.id;
    if (!channel) throw new Error(`FakeDiscord: guild ${guild.id} has no text channel; pass channelId`);
    return { guildId: guild.id, channelId: channel };
  }

  #memberPermissions(guildId: string | null, userId: string, override: string | undefined): string {
    if (override !== undefined) return override;
    if (guildId === null) return DEFAULT_MEMBER_PERMISSIONS;
    const guild = this.#guilds.get(guildId);
    if (guild?.ownerId === userId) return ADMIN_PERMISSIONS;
    return this.#members.get(`${guildId}:${userId}`)?.permissions ?? DEFAULT_MEMBER_PERMISSIONS;
  }

  #findCommand(name: string, guildId: string | null): FakeApplicationCommand | undefined {
    const isChatInput = (command: FakeApplicationCommand) => command.name === name && command.type === 1;
    return (guildId ? this.#guildCommands.get(guildId)?.find(isChatInput) : undefined) ?? this.#globalCommands.find(isChatInput);
  }

  #commandOptions(command: FakeApplicationCommand | undefined, options: SendCommandOptions): CommandOption[] {
    let definitions = command?.options ?? [];
    const wrap: ((inner: CommandOption[]) => CommandOption[])[] = [];
    if (options.group !== undefined) {
      const group = definitions.find((option) => option.name === options.group && option.type === OptionType.SubCommandGroup);
      definitions = group?.options ?? [];
      const name = options.group;
      wrap.push((inner) => [{ type: OptionType.SubCommandGroup, name, options: inner }]);
    }
    if (options.subcommand !== undefined) {
      const sub = definitions.find((option) => option.name === options.subcommand && option.type === OptionType.SubCommand);
      definitions = sub?.options ?? [];
      const name = options.subcommand;
      wrap.push((inner) => [{ type: OptionType.SubCommand, name, options: inner }]);
    }
    const values = options.options ?? {};
    let leaf: CommandOption[];
    if (Array.isArray(values)) {
      leaf = [...(values as readonly CommandOption[])];
    } else {
      leaf = Object.entries(values as Record<string, string | number | boolean>).map(([name, value]) => {
        const declared = definitions.find((option) => option.name === name)?.type;
        const type = declared ?? inferOptionType(value);
        return { type, name, value: coerceOptionValue(type, value) };
      });
    }
    return wrap.reduceRight((inner, apply) => apply(inner), leaf);
  }

  #modalSubmitComponents(customId: string, fields: Readonly<Record<string, string>>): unknown[] {
    const modal = [...this.interactions.values()]
      .reverse()
      .map((record) => record.callback)
      .find((callback) => callback?.type === InteractionCallbackType.Modal && callback.data?.custom_id === customId);
    const remaining = new Map(Object.entries(fields));
    const components: unknown[] = [];
    const shown = Array.isArray(modal?.data?.components) ? (modal.data.components as unknown[]) : [];
    for (const component of shown) {
      if (!isRecord(component)) continue;
      if (component.type === 18 && isRecord(component.component)) {
        const inner = component.component;
        const id = String(inner.custom_id);
        components.push({ type: 18, id: component.id, component: { type: inner.type, id: inner.id, custom_id: id, value: remaining.get(id) ?? '' } });
        remaining.delete(id);
      } else if (component.type === 1 && Array.isArray(component.components)) {
        const inputs = component.components.filter(isRecord).map((input) => {
          const id = String(input.custom_id);
          const value = remaining.get(id) ?? '';
          remaining.delete(id);
          return { type: input.type, id: input.id, custom_id: id, value };
        });
        components.push({ type: 1, id: component.id, components: inputs });
      }
    }
    for (const [id, value] of remaining) components.push({ type: 1, components: [{ type: 4, custom_id: id, value }] });
    return components;
  }

  #dispatchInteraction(
    type: number,
    data: Json,
    where: { guildId: string | null; channelId: string },
    userId: string,
    permissions: string,
    locale: string | undefined,
  ): InteractionRecord {
    const session = this.#currentSession;
    if (!session) throw new Error('FakeDiscord: no bot session (the client has not identified)');
    const id = snowflake();
    const token = Buffer.from(`interaction:${id}:${randomBytes(24).toString('base64url')}`).toString('base64url');
    const user = this.#users.get(userId) ?? userObject({ id: userId, username: `user-${userId}` });
    const entry = this.#channels.get(where.channelId);
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      data,
      token,
      version: 1,
      locale: locale ?? 'en-US',
      entitlements: [],
      authorizing_integration_owners: where.guildId ? { '0': where.guildId } : { '1': userId },
      context: where.guildId ? 0 : 1,
      attachment_size_limit: 10_485_760,
      app_permissions: this.#botChannelPermissions(where.channelId),
    };
    if (where.guildId) {
      const member = this.#members.get(`${where.guildId}:${userId}`);
      payload.guild_id = where.guildId;
      payload.guild_locale = 'en-US';
      payload.guild = { id: where.guildId, locale: 'en-US', features: [] };
      payload.member = {
        user,
        roles: [...(member?.roles ?? [])],
        nick: member?.nick ?? null,
        avatar: null,
        banner: null,
        joined_at: new Date(0).toISOString(),
        premium_since: null,
        deaf: false,
        mute: false,
        pending: false,
        flags: 0,
        communication_disabled_until: null,
        unusual_dm_activity_until: null,
        permissions,
      };
      payload.channel = entry
        ? { ...this.#channelObject(entry.channel, entry.guildId, entry.position), permissions }
        : { id: where.channelId, type: 0, guild_id: where.guildId, name: 'unknown', permissions, flags: 0 };
    } else {
      payload.user = user;
      payload.channel = { id: where.channelId, type: 1, flags: 0, last_message_id: null, recipients: [user] };
    }
    payload.channel_id = where.channelId;
    const record: InteractionRecord = {
      id,
      token,
      type,
      payload,
      dispatchedAt: performance.now(),
      firstResponseAt: null,
      responses: [],
      callback: null,
      original: null,
      followUps: [],
    };
    const live: LiveInteraction = { record, createdAt: Date.now(), channelId: where.channelId, guildId: where.guildId };
    this.interactions.set(id, record);
    this.#live.set(id, live);
    this.#liveByToken.set(token, live);
    this.#dispatch(session, 'INTERACTION_CREATE', payload);
    return record;
  }

  #waitForCallback(record: InteractionRecord, timeoutMs: number | undefined): Promise<InteractionRecord> {
    return this.#waiters.until(
      () => (record.callback ? record : undefined),
      timeoutMs ?? this.#options.interactionDeadlineMs,
      `the bot's first callback to interaction ${record.id}`,
    );
  }

  #botChannelPermissions(channelId: string): string {
    return String(this.#postingDenied.has(channelId) ? BOT_PERMISSIONS & ~Permission.SendMessages : BOT_PERMISSIONS);
  }

  // ------------------------------------------------------------------------------ objects

  #channelObject(channel: FakeDiscordChannel, guildId: string, position: number): Json {
    return {
      id: channel.id,
      type: channel.type ?? 0,
      guild_id: guildId,
      name: channel.name,
      position,
      flags: 0,
      parent_id: null,
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      permission_overwrites: this.#postingDenied.has(channel.id)
        ? [{ id: this.botUser.id, type: 1, allow: '0', deny: String(Permission.SendMessages) }]
        : [],
    };
  }

  #guildObject(guild: FakeDiscordGuild, withGatewayFields: boolean): Json {
    const botRoleId = this.#botRoleIds.get(guild.id) ?? guild.id;
    const role = (id: string, name: string, permissions: string, position: number, managed: boolean): Json => ({
      id,
      name,
      permissions,
      position,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      managed,
      mentionable: false,
      icon: null,
      unicode_emoji: null,
      flags: 0,
      ...(managed ? { tags: { bot_id: this.botUser.id } } : {}),
    });
    const base: Json = {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId ?? DISCORD_DEFAULTS.ownerId,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      verification_level: 1,
      default_message_notifications: 1,
      explicit_content_filter: 2,
      roles: [role(guild.id, '@everyone', DEFAULT_MEMBER_PERMISSIONS, 0, false), role(botRoleId, 'OneFlex', String(BOT_PERMISSIONS), 1, true)],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      max_members: 500_000,
      max_video_channel_users: 25,
    };
    if (!withGatewayFields) return base;
    return {
      ...base,
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: 1 + (guild.members?.length ?? 0),
      voice_states: [],
      members: [
        {
          user: this.botUser,
          roles: [botRoleId],
          nick: null,
          avatar: null,
          joined_at: new Date(0).toISOString(),
          premium_since: null,
          deaf: false,
          mute: false,
          pending: false,
          flags: 0,
          communication_disabled_until: null,
        },
      ],
      channels: guild.channels.map((channel, position) => {
        const { guild_id: _guildId, ...rest } = this.#channelObject(channel, guild.id, position);
        return rest;
      }),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
      application_command_counts: {},
      lazy: true,
    };
  }

  #makeMessage(channelId: string, guildId: string | null, body: Json, extra: Partial<FakeDiscordMessage> = {}): FakeDiscordMessage {
    const content = typeof body.content === 'string' ? body.content : '';
    const mentions = mentionedIds(content, body.allowed_mentions).map(
      (id) => this.#users.get(id) ?? userObject({ id, username: `user-${id}` }),
    );
    const message: FakeDiscordMessage = {
      id: snowflake(),
      type: 0,
      channel_id: channelId,
      author: this.botUser,
      content,
      embeds: Array.isArray(body.embeds) ? (body.embeds as DiscordEmbed[]).map((embed) => ({ type: 'rich', ...embed })) : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: [],
      flags: typeof body.flags === 'number' ? body.flags : 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: false,
      mentions,
      mention_roles: [],
      pinned: false,
      sent: body,
      ...extra,
    };
    if (guildId) message.guild_id = guildId;
    return message;
  }

  #interactionMessage(live: LiveInteraction, body: Json, original: boolean): FakeDiscordMessage {
    const record = live.record;
    const data = isRecord(record.payload.data) ? record.payload.data : {};
    const member = isRecord(record.payload.member) ? record.payload.member : undefined;
    const user = (member?.user ?? record.payload.user) as DiscordUserObject;
    return this.#makeMessage(live.channelId, live.guildId, body, {
      type: original && record.type === InteractionType.ApplicationCommand ? 20 : 0,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      interaction_metadata: {
        id: record.id,
        type: record.type,
        user,
        authorizing_integration_owners: record.payload.authorizing_integration_owners,
        ...(record.type === InteractionType.ApplicationCommand ? { name: data.name } : {}),
      },
    });
  }

  // ------------------------------------------------------------------------------ REST

  #handleHttp(req: IncomingMessage, res: ServerResponse, rawBody: Buffer): void {
    const url = req.url ?? '/';
    const [rawPath = '/', rawQuery = ''] = url.split('?', 2);
    const path = rawPath
      .split('/')
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      })
      .join('/');
    const query = Object.fromEntries(new URLSearchParams(rawQuery));
    const method = (req.method ?? 'GET').toUpperCase();
    const route = path.replace(/^\/api\/v\d+/, '').replace(/^\/api(?=\/|$)/, '') || '/';

    let body: unknown;
    const files: { name: string; filename: string; size: number }[] = [];
    const contentType = req.headers['content-type'] ?? '';
    const text = rawBody.toString('utf8');
    let parseError = false;
    if (contentType.startsWith('multipart/form-data')) {
      const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2] ?? '';
      for (const part of parseMultipart(rawBody, boundary)) {
        if (part.name === 'payload_json') {
          try {
            body = JSON.parse(part.data.toString('utf8'));
          } catch {
            parseError = true;
          }
        } else if (part.filename !== null) {
          files.push({ name: part.name, filename: part.filename, size: part.data.length });
        }
      }
    } else if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        parseError = true;
      }
    }

    const record: DiscordRestRecord = {
      at: Date.now(),
      method,
      path,
      route,
      query,
      headers: req.headers,
      body,
      rawBody: text,
      files,
      status: 0,
      response: undefined,
    };
    this.requests.push(record);

    const reply = parseError ? apiError(400, 50109, 'The request body contains invalid JSON.') : this.#route(record);
    record.status = reply.status;
    record.response = reply.body;
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined) headers['Content-Type'] = 'application/json';
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    this.#waiters.notify();
  }

  #route(record: DiscordRestRecord): Reply {
    const faultIndex = this.#faults.findIndex(
      ({ match }) =>
        (match.method === undefined || match.method.toUpperCase() === record.method) &&
        (typeof match.route === 'string' ? match.route === record.route : match.route.test(record.route)),
    );
    const fault = faultIndex === -1 ? undefined : this.#faults[faultIndex];
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.#faults.splice(faultIndex, 1);
      return fault.fault;
    }
    const segments = record.route.split('/').filter((segment) => segment !== '');
    let methodMismatch = false;
    for (const definition of this.#routes) {
      const params = matchSegments(definition.segments, segments);
      if (!params) continue;
      if (definition.method !== record.method) {
        methodMismatch = true;
        continue;
      }
      if (definition.auth && record.headers.authorization !== `Bot ${this.token}`) {
        return apiError(401, 0, '401: Unauthorized');
      }
      return definition.handler({ method: record.method, route: record.route, params, query: record.query, body: record.body, record });
    }
    if (methodMismatch) return apiError(405, 0, '405: Method Not Allowed');
    this.unknownRoutes.push(record);
    return apiError(404, 0, '404: Not Found');
  }

  #defineRoutes(): void {
    const add = (method: string, pattern: string, auth: boolean, handler: Handler): void => {
      this.#routes.push({ method, segments: pattern.split('/').filter((segment) => segment !== ''), auth, handler });
    };
    const ok = (body: unknown): Reply => ({ status: 200, body });

    add('GET', '/gateway', false, () => ok({ url: this.gatewayUrl }));
    add('GET', '/gateway/bot', true, () =>
      ok({
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1_000, remaining: this.#options.sessionStartRemaining, reset_after: 86_400_000, max_concurrency: 1 },
      }),
    );
    add('GET', '/users/@me', true, () => ok({ ...this.botUser, verified: true, mfa_enabled: false, flags: 0, email: null }));
    add('GET', '/users/:user', true, ({ params }) => {
      const user = this.#users.get(params.user ?? '');
      return user ? ok(user) : apiError(404, 10013, 'Unknown User');
    });
    const application = (): Reply =>
      ok({
        id: this.applicationId,
        name: this.botUser.username,
        icon: null,
        description: '',
        bot_public: false,
        bot_require_code_grant: false,
        bot: this.botUser,
        flags: this.#options.applicationFlags,
        owner: this.#users.get(DISCORD_DEFAULTS.ownerId) ?? this.botUser,
        verify_key: 'fake',
        team: null,
        summary: '',
        approximate_guild_count: this.#guilds.size,
        install_params: { scopes: ['bot', 'applications.commands'], permissions: String(BOT_PERMISSIONS) },
      });
    add('GET', '/applications/@me', true, application);
    add('GET', '/oauth2/applications/@me', true, application);

    // Application commands (global and guild).
    const commandsFor = (params: Readonly<Record<string, string>>): FakeApplicationCommand[] | FakeRestFault => {
      if (params.app !== this.applicationId) return apiError(403, 50001, 'Missing Access');
      if (params.guild === undefined) return this.#globalCommands;
      if (!this.#guilds.has(params.guild)) return apiError(403, 50001, 'Missing Access');
      let list = this.#guildCommands.get(params.guild);
      if (!list) {
        list = [];
        this.#guildCommands.set(params.guild, list);
      }
      return list;
    };
    const isFault = (value: unknown): value is FakeRestFault => !Array.isArray(value);
    const storeCommand = (raw: Json, guildId: string | undefined, previous: FakeApplicationCommand | undefined): FakeApplicationCommand => ({
      ...raw,
      id: previous?.id ?? snowflake(),
      application_id: this.applicationId,
      ...(guildId ? { guild_id: guildId } : {}),
      name: String(raw.name),
      description: typeof raw.description === 'string' ? raw.description : '',
      type: typeof raw.type === 'number' ? raw.type : 1,
      options: Array.isArray(raw.options) ? (raw.options as CommandOption[]) : [],
      default_member_permissions: typeof raw.default_member_permissions === 'string' ? raw.default_member_permissions : null,
      dm_permission: raw.dm_permission ?? true,
      nsfw: raw.nsfw ?? false,
      integration_types: raw.integration_types ?? [0],
      contexts: raw.contexts ?? null,
      version: snowflake(),
    });
    for (const pattern of ['/applications/:app/commands', '/applications/:app/guilds/:guild/commands']) {
      add('GET', pattern, true, ({ params }) => {
        const list = commandsFor(params);
        return isFault(list) ? list : ok(list);
      });
      add('PUT', pattern, true, ({ params, body }) => {
        const list = commandsFor(params);
        if (isFault(list)) return list;
        const invalid = commandErrors(body);
        if (invalid) return invalid;
        this.registrations.push({ at: Date.now(), guildId: params.guild ?? null, payload: body });
        const next = (body as Json[]).map((raw) =>
          storeCommand(raw, params.guild, list.find((old) => old.name === raw.name && old.type === (raw.type ?? 1))),
        );
        list.splice(0, list.length, ...next);
        return ok(list);
      });
      add('POST', pattern, true, ({ params, body }) => {
        const list = commandsFor(params);
        if (isFault(list)) return list;
        const invalid = commandErrors([body]);
        if (invalid) return invalid;
        const raw = body as Json;
        const index = list.findIndex((old) => old.name === raw.name && old.type === (raw.type ?? 1));
        const stored = storeCommand(raw, params.guild, list[index]);
        if (index === -1) list.push(stored);
        else list[index] = stored;
        return { status: index === -1 ? 201 : 200, body: stored };
      });
      add('DELETE', `${pattern}/:command`, true, ({ params }) => {
        const list = commandsFor(params);
        if (isFault(list)) return list;
        const index = list.findIndex((old) => old.id === params.command);
        if (index === -1) return apiError(404, 10063, 'Unknown application command');
        list.splice(index, 1);
        return { status: 204 };
      });
    }

    // Guilds and channels.
    add('GET', '/guilds/:guild', true, ({ params }) => {
      const guild = this.#guilds.get(params.guild ?? '');
      return guild ? ok(this.#guildObject(guild, false)) : apiError(404, 10004, 'Unknown Guild');
    });
    add('GET', '/guilds/:guild/channels', true, ({ params }) => {
      const guild = this.#guilds.get(params.guild ?? '');
      if (!guild) return apiError(404, 10004, 'Unknown Guild');
      return ok(guild.channels.map((channel, position) => this.#channelObject(channel, guild.id, position)));
    });
    add('GET', '/guilds/:guild/roles', true, ({ params }) => {
      const guild = this.#guilds.get(params.guild ?? '');
      return guild ? ok(this.#guildObject(guild, false).roles) : apiError(404, 10004, 'Unknown Guild');
    });
    add('GET', '/guilds/:guild/members/:user', true, ({ params }) => {
      const guild = this.#guilds.get(params.guild ?? '');
      if (!guild) return apiError(404, 10004, 'Unknown Guild');
      const userId = params.user ?? '';
      const isBot = userId === this.botUser.id;
      const member = this.#members.get(`${guild.id}:${userId}`);
      const user = this.#users.get(userId);
      if (!user || (!member && !isBot && guild.ownerId !== userId)) return apiError(404, 10007, 'Unknown Member');
      return ok({
        user,
        roles: isBot ? [this.#botRoleIds.get(guild.id)] : [...(member?.roles ?? [])],
        nick: member?.nick ?? null,
        avatar: null,
        joined_at: new Date(0).toISOString(),
        premium_since: null,
        deaf: false,
        mute: false,
        pending: false,
        flags: 0,
      });
    });
    add('GET', '/channels/:channel', true, ({ params }) => {
      const entry = this.#channels.get(params.channel ?? '');
      return entry ? ok(this.#channelObject(entry.channel, entry.guildId, entry.position)) : apiError(404, 10003, 'Unknown Channel');
    });
    add('POST', '/channels/:channel/messages', true, ({ params, body }) => {
      const channelId = params.channel ?? '';
      const entry = this.#channels.get(channelId);
      if (!entry) return apiError(404, 10003, 'Unknown Channel');
      if (this.#postingDenied.has(channelId)) return apiError(403, 50013, 'Missing Permissions');
      if ((entry.channel.type ?? 0) !== 0 && entry.channel.type !== 5) return apiError(400, 50008, 'Cannot send messages in a non-text channel');
      const message = isRecord(body) ? body : {};
      const invalid = messageErrors(message, { requireContent: true });
      if (invalid) return invalid;
      const stored = this.#makeMessage(channelId, entry.guildId, message);
      let list = this.#messages.get(channelId);
      if (!list) {
        list = [];
        this.#messages.set(channelId, list);
      }
      list.push(stored);
      return ok(stored);
    });

    // Interactions: the callback and the interaction webhook (token in the URL, no auth header).
    add('POST', '/interactions/:id/:token/callback', false, ({ params, body, query }) => this.#interactionCallback(params, body, query));
    add('GET', '/webhooks/:app/:token/messages/:message', false, ({ params }) => {
      const found = this.#webhookMessage(params);
      return 'status' in found ? found : ok(found.message);
    });
    add('PATCH', '/webhooks/:app/:token/messages/:message', false, ({ params, body }) => {
      const found = this.#webhookMessage(params);
      if ('status' in found) return found;
      const patch = isRecord(body) ? body : {};
      const invalid = messageErrors(patch, { requireContent: false });
      if (invalid) return invalid;
      const { live, message } = found;
      const updated: FakeDiscordMessage = {
        ...message,
        ...(typeof patch.content === 'string' ? { content: patch.content } : {}),
        ...(Array.isArray(patch.embeds) ? { embeds: (patch.embeds as DiscordEmbed[]).map((embed) => ({ type: 'rich', ...embed })) } : {}),
        ...(Array.isArray(patch.components) ? { components: patch.components } : {}),
        flags: message.flags & ~LOADING,
        edited_timestamp: new Date().toISOString(),
        sent: { ...message.sent, ...patch },
      };
      if (typeof patch.content === 'string') {
        updated.mentions = mentionedIds(patch.content, patch.allowed_mentions).map(
          (id) => this.#users.get(id) ?? userObject({ id, username: `user-${id}` }),
        );
      }
      if (live.record.original?.id === message.id) live.record.original = updated;
      else {
        const index = live.record.followUps.findIndex((candidate) => candidate.id === message.id);
        if (index !== -1) live.record.followUps[index] = updated;
      }
      this.#respond(live.record, { kind: 'edit', at: Date.now(), messageId: params.message ?? '', body: patch });
      return ok(updated);
    });
    add('DELETE', '/webhooks/:app/:token/messages/:message', false, ({ params }) => {
      const found = this.#webhookMessage(params);
      if ('status' in found) return found;
      const { live, message } = found;
      if (live.record.original?.id === message.id) live.record.original = null;
      else live.record.followUps.splice(live.record.followUps.indexOf(message), 1);
      this.#respond(live.record, { kind: 'delete', at: Date.now(), messageId: params.message ?? '' });
      return { status: 204 };
    });
    add('POST', '/webhooks/:app/:token', false, ({ params, body, query }) => {
      const live = this.#liveByToken.get(params.token ?? '');
      if (params.app !== this.applicationId || !live || Date.now() - live.createdAt > INTERACTION_WEBHOOK_LIFETIME_MS) {
        return apiError(404, 10015, 'Unknown Webhook');
      }
      if (!live.record.callback) return apiError(404, 10015, 'Unknown Webhook');
      const message = isRecord(body) ? body : {};
      const invalid = messageErrors(message, { requireContent: true });
      if (invalid) return invalid;
      const stored = this.#interactionMessage(live, message, false);
      live.record.followUps.push(stored);
      this.#respond(live.record, { kind: 'followup', at: Date.now(), messageId: stored.id, body: message });
      return query.wait === 'true' ? ok(stored) : { status: 204 };
    });
  }

  #interactionCallback(params: Readonly<Record<string, string>>, body: unknown, query: Readonly<Record<string, string>>): Reply {
    const live = this.#live.get(params.id ?? '');
    if (!live || live.record.token !== params.token || Date.now() - live.createdAt > this.#options.interactionDeadlineMs) {
      return apiError(404, 10062, 'Unknown interaction');
    }
    const record = live.record;
    if (record.callback) return apiError(400, 40060, 'Interaction has already been acknowledged.');
    if (!isRecord(body) || typeof body.type !== 'number') return invalidForm({ type: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } });
    const data = isRecord(body.data) ? body.data : undefined;
    switch (body.type) {
      case InteractionCallbackType.ChannelMessageWithSource: {
        const invalid = messageErrors(data ?? {}, { requireContent: true });
        if (invalid) return invalid;
        record.original = this.#interactionMessage(live, data ?? {}, true);
        break;
      }
      case InteractionCallbackType.DeferredChannelMessageWithSource: {
        const flags = typeof data?.flags === 'number' ? data.flags : 0;
        record.original = this.#interactionMessage(live, { content: '', flags: (flags & EPHEMERAL) | LOADING }, true);
        break;
      }
      case InteractionCallbackType.Modal: {
        if (record.type === InteractionType.ModalSubmit) return apiError(400, 50035, 'Invalid Form Body', { type: 'a modal cannot answer a modal submit' });
        const invalid = modalErrors(data);
        if (invalid) return invalid;
        break;
      }
      case InteractionCallbackType.DeferredUpdateMessage:
      case InteractionCallbackType.UpdateMessage:
      case InteractionCallbackType.AutocompleteResult:
      case InteractionCallbackType.Pong:
        break;
      default:
        return invalidForm({ type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value must be one of (1, 4, 5, 6, 7, 8, 9).` }] } });
    }
    record.callback = { type: body.type, data };
    this.#respond(record, { kind: 'callback', at: Date.now(), type: body.type, data });
    if (query.with_response !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          activity_instance_id: null,
          response_message_id: record.original?.id ?? null,
          response_message_loading: body.type === InteractionCallbackType.DeferredChannelMessageWithSource,
          response_message_ephemeral: ((record.original?.flags ?? 0) & EPHEMERAL) !== 0,
        },
        resource: record.original ? { type: body.type, message: record.original } : { type: body.type },
      },
    };
  }

  #webhookMessage(params: Readonly<Record<string, string>>): { live: LiveInteraction; message: FakeDiscordMessage } | Reply {
    const live = this.#liveByToken.get(params.token ?? '');
    if (params.app !== this.applicationId || !live || Date.now() - live.createdAt > INTERACTION_WEBHOOK_LIFETIME_MS) {
      return apiError(404, 10015, 'Unknown Webhook');
    }
    const id = params.message;
    const message = id === '@original' ? live.record.original : live.record.followUps.find((candidate) => candidate.id === id);
    return message ? { live, message } : apiError(404, 10008, 'Unknown Message');
  }

  #respond(record: InteractionRecord, response: InteractionResponseRecord): void {
    record.responses.push(response);
    record.firstResponseAt ??= performance.now();
  }
}

// ---------------------------------------------------------------------------------------------

function userObject(user: FakeDiscordUser): DiscordUserObject {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName ?? null,
    discriminator: '0',
    avatar: null,
    public_flags: 0,
    ...(user.bot ? { bot: true } : {}),
  };
}

function inferOptionType(value: string | number | boolean): number {
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  return OptionType.String;
}

function coerceOptionValue(type: number, value: string | number | boolean): string | number | boolean {
  if (type === OptionType.Integer || type === OptionType.Number) return typeof value === 'number' ? value : Number(value);
  if (type === OptionType.Boolean) return typeof value === 'boolean' ? value : value === 'true';
  return String(value);
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const expected = pattern[index] ?? '';
    const got = actual[index] ?? '';
    if (expected.startsWith(':')) params[expected.slice(1)] = got;
    else if (expected !== got) return null;
  }
  return params;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
