/**
 * A fake Slack on 127.0.0.1 that the real @slack/bolt 5 (with @slack/web-api and
 * @slack/socket-mode) talks to: the Web API (`POST /api/<method>`), Socket Mode (a WebSocket
 * handed out by `apps.connections.open`), `response_url`s, and a helper that signs requests for
 * Bolt's HTTP receiver.
 *
 * Point Bolt at it with `clientOptions: { slackApiUrl: apiUrl }` (for the App and, as a separate
 * copy, for the SocketModeReceiver, which mutates its options). What the real Slack does and this
 * fake copies (see `../shared/chat-protocols.md`): bodies are form-encoded with `blocks`/`view` as
 * JSON strings (JSON bodies are accepted too); the token is `Authorization: Bearer`; errors are
 * HTTP 200 `{ok:false,error}` (`invalid_auth`, `not_authed`, `not_allowed_token_type`,
 * `channel_not_found`, `not_in_channel`, `missing_scope`, `invalid_trigger_id`…); 429 carries
 * `Retry-After`; Socket Mode says `{type:'hello'}` first, delivers envelopes and expects acks
 * `{envelope_id, payload}`; `{type:'disconnect'}` makes the client reconnect; a `response_url`
 * takes a JSON POST, up to 5 times.
 *
 * Everything is recorded, both directions: {@link FakeSlack.calls} (every Web API call, headers
 * and parsed parameters), {@link FakeSlack.frames} (every Socket Mode frame),
 * {@link FakeSlack.responsePosts} (every `response_url` POST). There are no artificial delays.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Waiters } from './waiters.js';

/** The ids and tokens a default {@link FakeSlack} uses; override any through {@link FakeSlackOptions}. */
export const SLACK_DEFAULTS = {
  botToken: 'xoxb-1000000001-fake-slack-bot-token-do-not-leak',
  appToken: 'xapp-1-A0FAKEAPP-1-fake-slack-app-token-do-not-leak',
  teamId: 'T0FAKETEAM',
  teamDomain: 'oneflex-team',
  appId: 'A0FAKEAPP',
  botId: 'B0FAKEBOT',
  botUserId: 'U0FAKEBOT',
  alertChannelId: 'C0ALERTS',
  generalChannelId: 'C0GENERAL',
  ownerId: 'U0OWNER',
  memberId: 'U0MEMBER',
  verificationToken: 'fake-verification-token',
  scopes: ['chat:write', 'commands', 'channels:read', 'groups:read', 'users:read', 'channels:join'],
} as const;

/** The scope each method needs (methods not listed need none). */
const METHOD_SCOPES: Readonly<Record<string, string>> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'conversations.list': 'channels:read',
  'conversations.info': 'channels:read',
  'conversations.join': 'channels:join',
  'users.info': 'users:read',
};

/** Methods that take the app-level token (`xapp-…`) rather than the bot token. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/** A conversation. */
export interface FakeSlackChannel {
  readonly id: string;
  readonly name: string;
  /** Whether the bot is in it (`not_in_channel` on posting otherwise). Default `true`. */
  readonly isMember?: boolean;
  readonly isPrivate?: boolean;
  readonly isArchived?: boolean;
}

/** A workspace user. */
export interface FakeSlackUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly isBot?: boolean;
  readonly tz?: string;
}

/** Everything is optional: the defaults are one workspace with `#oneflex-alerts` and `#general`. */
export interface FakeSlackOptions {
  readonly botToken?: string;
  /** The app-level token `apps.connections.open` accepts. */
  readonly appToken?: string;
  readonly teamId?: string;
  readonly teamDomain?: string;
  readonly appId?: string;
  readonly botId?: string;
  readonly botUserId?: string;
  /** Scopes of the bot token (`x-oauth-scopes`); a method whose scope is missing answers `missing_scope`. */
  readonly scopes?: readonly string[];
  readonly channels?: readonly FakeSlackChannel[];
  readonly users?: readonly FakeSlackUser[];
  /** How long a `trigger_id` can open a view. Default 3000 ms. */
  readonly triggerTtlMs?: number;
  /** How long Slack waits for an envelope's ack. Default 3000 ms. */
  readonly ackTimeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/** One Web API call as the fake received it. */
export interface SlackApiCall {
  readonly at: number;
  /** `chat.postMessage`, `auth.test`… */
  readonly method: string;
  /** Lower-cased header names; includes `authorization`. */
  readonly headers: IncomingHttpHeaders;
  /** The token used (header or `token` parameter), or `null`. */
  readonly token: string | null;
  /** Parameters with JSON-string fields (`blocks`, `view`, `attachments`, `metadata`) parsed. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly rawBody: string;
  /** HTTP status and JSON the fake answered with (set when answered). */
  status: number;
  response: unknown;
}

/** One Socket Mode frame. `toApp` = sent by the fake, `fromApp` = sent by the client. */
export interface SlackSocketFrame {
  readonly at: number;
  readonly connectionId: number;
  readonly direction: 'toApp' | 'fromApp';
  readonly data: Record<string, unknown>;
  readonly raw: string;
}

/** One POST to a `response_url`. */
export interface ResponseUrlPost {
  readonly at: number;
  /** The JSON body (`text`, `blocks`, `response_type`, `replace_original`…). */
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  /** What the fake answered. */
  readonly status: number;
}

/** A message posted by the bot (`chat.postMessage`), as stored. */
export interface FakeSlackMessage {
  readonly ts: string;
  readonly channel: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  readonly threadTs: string | undefined;
  /** All the parameters of the call (parsed). */
  params: Readonly<Record<string, unknown>>;
}

/** A message only one user sees (`chat.postEphemeral`). */
export interface FakeSlackEphemeral {
  readonly messageTs: string;
  readonly channel: string;
  readonly user: string;
  readonly text: string | undefined;
  readonly blocks: unknown[] | undefined;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A view the bot opened (`views.open`), as stored and returned. */
export interface FakeSlackView {
  id: string;
  team_id: string;
  type: string;
  callback_id: string;
  private_metadata: string;
  title: unknown;
  submit: unknown;
  close: unknown;
  blocks: Record<string, unknown>[];
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  app_installed_team_id: string;
  external_id: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  /** Which user it was opened for (the user of its trigger). */
  readonly userId: string;
  [key: string]: unknown;
}

/** An envelope delivered over Socket Mode and the app's ack. */
export interface EnvelopeRecord {
  readonly envelopeId: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  /** `performance.now()` at delivery and at ack (for latency). */
  readonly deliveredAt: number;
  ackedAt: number | null;
  /** The ack's `payload` (`{}` for a bare `ack()`), once acked. */
  ack: Record<string, unknown> | null;
}

/** A slash command (over Socket Mode or HTTP), its ack, and what came to its `response_url`. */
export interface SlashCommandRecord extends EnvelopeRecord {
  readonly payload: Record<string, string>;
  readonly responseUrl: string;
  readonly triggerId: string;
  /** `response_url` POSTs, in order. */
  readonly responses: ResponseUrlPost[];
}

/** A `view_submission` and its ack (`{response_action:'errors', errors}` for a rejected form). */
export type ViewSubmissionRecord = EnvelopeRecord;

/** Input of {@link FakeSlack.sendSlashCommand} and {@link FakeSlack.buildSlashCommand}. */
export interface SlashCommandOptions {
  /** What follows the command: `book 2026-12-01`. */
  readonly text: string;
  readonly userId: string;
  /** Default: the alert channel. */
  readonly channelId?: string;
  /** Default `/oneflex`. */
  readonly command?: string;
  /** Status every POST to this command's `response_url` gets (e.g. 404). Default 200. */
  readonly responseUrlStatus?: number;
  /** How long to wait for the ack. Default: the ack timeout (3000 ms). */
  readonly timeoutMs?: number;
}

/** Input of {@link FakeSlack.submitView}. */
export interface SubmitViewOptions {
  readonly userId: string;
  /** The view to submit: by id, else the latest opened view with this callback id. */
  readonly viewId?: string;
  readonly callbackId?: string;
  /** Overrides the view's `private_metadata`. */
  readonly privateMetadata?: string;
  /**
   * Input values by `action_id`; the block ids are taken from the opened view's input blocks.
   */
  readonly fields?: Readonly<Record<string, string>>;
  /**
   * Explicit `state.values` (`{block_id: {action_id: value}}`); a string value becomes
   * `{type:'plain_text_input', value}`.
   */
  readonly values?: Readonly<Record<string, Readonly<Record<string, string | Record<string, unknown>>>>>;
  readonly timeoutMs?: number;
}

/** A canned answer for {@link FakeSlack.failNext}: a Slack error (HTTP 200) or an HTTP status. */
export type FakeSlackFault =
  | { readonly error: string; readonly extra?: Readonly<Record<string, unknown>> }
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> };

/** The answer of {@link signedRequest}. */
export interface SignedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const JSON_PARAMS = ['blocks', 'view', 'attachments', 'metadata', 'unfurl_media'] as const;

/**
 * POSTs `body` to a Bolt HTTP receiver (e.g. `http://127.0.0.1:PORT/slack/events`) signed the way
 * Slack signs: `X-Slack-Signature: v0=HMAC_SHA256(signingSecret, "v0:" + timestamp + ":" + body)`
 * and `X-Slack-Request-Timestamp`. Pass a wrong secret, an old `timestamp` (seconds) or
 * `tamper` (the body actually sent differs from the one signed) to get a 401.
 */
export async function signedRequest(
  url: string,
  body: string,
  signingSecret: string,
  options: { timestamp?: number; contentType?: string; tamper?: (body: string) => string; headers?: Record<string, string> } = {},
): Promise<SignedResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': options.contentType ?? 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': signature,
      ...options.headers,
    },
    body: options.tamper ? options.tamper(body) : body,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Slack's block limits for a message; returns an error code or `null`. */
function blocksError(blocks: unknown): string | null {
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
  for (const block of blocks) {
    if (!isRecord(block) || typeof block.type !== 'string') return 'invalid_blocks';
    const text = isRecord(block.text) ? block.text.text : undefined;
    if (block.type === 'section' && typeof text === 'string' && text.length > 3000) return 'invalid_blocks';
    if (block.type === 'header' && typeof text === 'string' && text.length > 150) return 'invalid_blocks';
    if (block.type === 'section' && Array.isArray(block.fields) && block.fields.length > 10) return 'invalid_blocks';
  }
  return null;
}

function plainText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.text === 'string') return value.text;
  return undefined;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function randomDigits(length: number): string {
  let out = '';
  while (out.length < length) out += String(randomBytes(4).readUInt32BE(0));
  return out.slice(0, length);
}

/** What a Web API method handler returns for an `ok:false` answer. */
class SlackFailure {
  constructor(
    readonly error: string,
    readonly extra: Json = {},
  ) {}
}

// ---------------------------------------------------------------------------------------------
// Internal state shapes
// ---------------------------------------------------------------------------------------------

interface SocketConnection {
  readonly id: number;
  readonly socket: WebSocket;
  helloSent: boolean;
}

interface ResponseUrlState {
  readonly record: SlashCommandRecord;
  readonly status: number;
  readonly createdAt: number;
  uses: number;
}

const RESPONSE_URL_USES = 5;
const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

/**
 * A fake Slack (Web API + Socket Mode + `response_url`s) on 127.0.0.1. `start()` it, point Bolt at
 * {@link FakeSlack.apiUrl}, drive it with {@link FakeSlack.sendSlashCommand} and
 * {@link FakeSlack.submitView}, read what the app did from the records, `stop()` it.
 *
 * @example
 * ```ts
 * const fake = new FakeSlack();
 * const { apiUrl } = await fake.start();
 * const clientOptions = () => ({ slackApiUrl: apiUrl, retryConfig: { retries: 0 } });
 * // A hand-built receiver reads its Web API options from installerOptions.clientOptions only.
 * const receiver = new SocketModeReceiver({ appToken: fake.appToken, installerOptions: { clientOptions: clientOptions() }, clientPingTimeout: 200 });
 * const app = new App({ token: fake.botToken, receiver, clientOptions: clientOptions(), deferInitialization: true });
 * await app.init();                                // auth.test
 * await app.start();                               // apps.connections.open, then hello
 * const record = await fake.sendSlashCommand({ text: 'book 2026-12-01', userId: SLACK_DEFAULTS.memberId });
 * await fake.waitForResponse(record);              // what respond() posted
 * await receiver.client.disconnect();              // before fake.stop(), or it keeps reconnecting
 * await fake.stop();
 * ```
 */
export class FakeSlack {
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly botId: string;
  readonly botUserId: string;
  /** Every Web API call, in arrival order. */
  readonly calls: SlackApiCall[] = [];
  /** Every Socket Mode frame, both directions. */
  readonly frames: SlackSocketFrame[] = [];
  /** Every POST to any `response_url`. */
  readonly responsePosts: ResponseUrlPost[] = [];
  /** Web API methods the fake does not know (answered `unknown_method`): gaps to fill. */
  readonly unknownMethods: SlackApiCall[] = [];
  /** Every envelope delivered, by envelope id. */
  readonly envelopes = new Map<string, EnvelopeRecord>();
  /** Every message only one user sees (`chat.postEphemeral`). */
  readonly ephemerals: FakeSlackEphemeral[] = [];
  /** Every view opened, by view id. */
  readonly views = new Map<string, FakeSlackView>();
  /** Counters of Socket Mode connections. */
  readonly socketStats = { ticketsIssued: 0, connections: 0, disconnectsSent: 0 };

  readonly #scopes: readonly string[];
  readonly #triggerTtlMs: number;
  readonly #ackTimeoutMs: number;
  readonly #channels = new Map<string, FakeSlackChannel & { isMember: boolean }>();
  readonly #users = new Map<string, FakeSlackUser>();
  readonly #messages = new Map<string, FakeSlackMessage[]>();
  readonly #triggers = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  readonly #tickets = new Set<string>();
  readonly #responseUrls = new Map<string, ResponseUrlState>();
  readonly #faults: { method: string; fault: FakeSlackFault; remaining: number }[] = [];
  readonly #connections = new Set<SocketConnection>();
  readonly #waiters = new Waiters('FakeSlack');
  #connectionCounter = 0;
  #tsCounter = 0;
  #server: Server | null = null;
  #wss: WebSocketServer | null = null;
  #origin = '';

  constructor(options: FakeSlackOptions = {}) {
    this.botToken = options.botToken ?? SLACK_DEFAULTS.botToken;
    this.appToken = options.appToken ?? SLACK_DEFAULTS.appToken;
    this.teamId = options.teamId ?? SLACK_DEFAULTS.teamId;
    this.teamDomain = options.teamDomain ?? SLACK_DEFAULTS.teamDomain;
    this.appId = options.appId ?? SLACK_DEFAULTS.appId;
    this.botId = options.botId ?? SLACK_DEFAULTS.botId;
    this.botUserId = options.botUserId ?? SLACK_DEFAULTS.botUserId;
    this.#scopes = options.scopes ?? SLACK_DEFAULTS.scopes;
    this.#triggerTtlMs = options.triggerTtlMs ?? 3_000;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
    const channels = options.channels ?? [
      { id: SLACK_DEFAULTS.alertChannelId, name: 'oneflex-alerts' },
      { id: SLACK_DEFAULTS.generalChannelId, name: 'general' },
      { id: 'C0RANDOM', name: 'random', isMember: false },
    ];
    for (const channel of channels) this.#channels.set(channel.id, { ...channel, isMember: channel.isMember ?? true });
    const users = options.users ?? [
      { id: SLACK_DEFAULTS.ownerId, name: 'alice', realName: 'Alice Martin' },
      { id: SLACK_DEFAULTS.memberId, name: 'bob', realName: 'Bob Durand' },
    ];
    for (const user of users) this.#users.set(user.id, user);
    this.#users.set(this.botUserId, { id: this.botUserId, name: 'oneflex', realName: 'OneFlex', isBot: true });
  }

  /** `http://127.0.0.1:PORT/api/`: Bolt's `clientOptions.slackApiUrl` (with the trailing slash). */
  get apiUrl(): string {
    return `${this.#origin}/api/`;
  }

  /** Whether a Socket Mode connection is open and greeted. */
  get connected(): boolean {
    return [...this.#connections].some((connection) => connection.helloSent && connection.socket.readyState === connection.socket.OPEN);
  }

  /** Listens on 127.0.0.1 on a free port. */
  async start(): Promise<{ apiUrl: string }> {
    if (this.#server) throw new Error('FakeSlack: already started');
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.#handleHttp(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link/' || !this.#tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
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
    return { apiUrl: this.apiUrl };
  }

  /** Drops every connection and stops listening. Disconnect the Socket Mode client first. */
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
   * Delivers `/oneflex <text>` over Socket Mode as a `slash_commands` envelope and resolves with
   * its record once the app has acked it; what the app then POSTs to the command's `response_url`
   * lands in `record.responses` ({@link FakeSlack.waitForResponse}). Rejects at once without an
   * open connection ({@link FakeSlack.waitForConnection}), and when no ack comes in time.
   */
  async sendSlashCommand(options: SlashCommandOptions): Promise<SlashCommandRecord> {
    const record = this.#newSlashCommand(options);
    await this.#deliver(record, true, options.timeoutMs);
    return record;
  }

  /**
   * Builds a slash command for Bolt's HTTP receiver: the form body Slack would POST (with a
   * `response_url` and `trigger_id` of this fake) and the record its responses will land in.
   * Send it with {@link signedRequest} or {@link FakeSlack.postSlashCommand}.
   */
  buildSlashCommand(options: SlashCommandOptions): { body: string; record: SlashCommandRecord } {
    const record = this.#newSlashCommand(options);
    this.envelopes.set(record.envelopeId, record);
    return { body: new URLSearchParams(record.payload).toString(), record };
  }

  /**
   * Posts a signed slash command to a Bolt HTTP receiver (`http://127.0.0.1:PORT/slack/events`).
   * The HTTP answer is the ack: a 200 sets `record.ack` (its JSON body, or `{}`).
   */
  async postSlashCommand(
    url: string,
    signingSecret: string,
    options: SlashCommandOptions,
    signing: { timestamp?: number; tamper?: (body: string) => string } = {},
  ): Promise<{ response: SignedResponse; record: SlashCommandRecord }> {
    const { body, record } = this.buildSlashCommand(options);
    const response = await signedRequest(url, body, signingSecret, signing);
    if (response.status === 200) {
      record.ackedAt = performance.now();
      record.ack = response.body ? (JSON.parse(response.body) as Json) : {};
      this.#waiters.notify();
    }
    return { response, record };
  }

  /** Resolves once the command's `response_url` has received at least `count` POSTs. */
  waitForResponse(record: SlashCommandRecord, count = 1, timeoutMs = 2_000): Promise<SlashCommandRecord> {
    return this.#waiters.until(
      () => (record.responses.length >= count ? record : undefined),
      timeoutMs,
      `${count} response_url posts for "${record.payload.text}"`,
    );
  }

  /**
   * Submits an opened modal: delivers a `view_submission` interactive envelope (the view with its
   * `state.values`, the user, a fresh trigger_id) and resolves once the app has acked it. The
   * ack's payload is `record.ack` (`{response_action:'errors', errors}` when the app rejects it).
   */
  async submitView(options: SubmitViewOptions): Promise<ViewSubmissionRecord> {
    const view = this.#findView(options);
    const values: Record<string, Record<string, unknown>> = {};
    if (options.values) {
      for (const [blockId, actions] of Object.entries(options.values)) {
        values[blockId] = Object.fromEntries(
          Object.entries(actions).map(([actionId, value]) => [actionId, typeof value === 'string' ? { type: 'plain_text_input', value } : value]),
        );
      }
    }
    for (const [actionId, value] of Object.entries(options.fields ?? {})) {
      const block = view?.blocks.find((candidate) => isRecord(candidate.element) && candidate.element.action_id === actionId);
      if (!block) throw new Error(`FakeSlack: no input with action_id "${actionId}" in view ${view?.id ?? '(none)'}`);
      const blockId = String(block.block_id);
      values[blockId] = { ...values[blockId], [actionId]: { type: 'plain_text_input', value } };
    }
    const user = this.#users.get(options.userId);
    const triggerId = this.#issueTrigger(options.userId);
    const viewPayload: Json = view
      ? { ...this.#publicView(view), state: { values }, ...(options.privateMetadata !== undefined ? { private_metadata: options.privateMetadata } : {}) }
      : {
          id: `V${randomDigits(10)}`,
          team_id: this.teamId,
          type: 'modal',
          callback_id: options.callbackId ?? '',
          private_metadata: options.privateMetadata ?? '',
          blocks: [],
          state: { values },
          hash: randomDigits(10),
          app_id: this.appId,
          bot_id: this.botId,
          app_installed_team_id: this.teamId,
        };
    const payload: Json = {
      type: 'view_submission',
      team: { id: this.teamId, domain: this.teamDomain },
      user: { id: options.userId, username: user?.name ?? options.userId, name: user?.name ?? options.userId, team_id: this.teamId },
      api_app_id: this.appId,
      token: SLACK_DEFAULTS.verificationToken,
      trigger_id: triggerId,
      view: viewPayload,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const record: ViewSubmissionRecord = {
      envelopeId: randomUUID(),
      type: 'interactive',
      payload,
      deliveredAt: performance.now(),
      ackedAt: null,
      ack: null,
    };
    await this.#deliver(record, true, options.timeoutMs);
    return record;
  }

  /**
   * Delivers any envelope (`events_api`, `interactive`…) and resolves once the app acks it.
   */
  async sendEnvelope(type: string, payload: Record<string, unknown>, options: { acceptsResponsePayload?: boolean; timeoutMs?: number } = {}): Promise<EnvelopeRecord> {
    const record: EnvelopeRecord = { envelopeId: randomUUID(), type, payload, deliveredAt: performance.now(), ackedAt: null, ack: null };
    await this.#deliver(record, options.acceptsResponsePayload ?? false, options.timeoutMs);
    return record;
  }

  /** Resolves when a Socket Mode connection is open and greeted (at once if there is one). */
  waitForConnection(timeoutMs = 3_000): Promise<void> {
    return this.#waiters.until(() => (this.connected ? true : undefined), timeoutMs, 'a Socket Mode connection').then(() => undefined);
  }

  /**
   * Sends `{type:'disconnect', reason}` on every open connection (what Slack does before it
   * rotates a connection) and resolves when they are closed; the client reconnects after its
   * `clientPingTimeout`. Connections that do not close within 1 s are closed by the fake.
   */
  async disconnect(reason = 'refresh_requested'): Promise<void> {
    const open = [...this.#connections].filter((connection) => connection.socket.readyState === connection.socket.OPEN);
    await Promise.all(
      open.map(
        (connection) =>
          new Promise<void>((resolve) => {
            connection.socket.once('close', () => resolve());
            this.#send(connection, { type: 'disconnect', reason, debug_info: { host: 'applink-fake' } });
            this.socketStats.disconnectsSent += 1;
            setTimeout(() => connection.socket.close(1000, 'disconnect'), 1_000).unref();
          }),
      ),
    );
  }

  /** Kills every Socket Mode connection without a close frame (a network drop). */
  async dropSocket(): Promise<void> {
    const open = [...this.#connections];
    await Promise.all(
      open.map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.socket.readyState === connection.socket.CLOSED) {
              resolve();
              return;
            }
            connection.socket.once('close', () => resolve());
            connection.socket.terminate();
          }),
      ),
    );
  }

  /** Messages posted into a channel (`chat.postMessage`, after `chat.update`s), oldest first. */
  messagesIn(channelId: string): readonly FakeSlackMessage[] {
    return this.#messages.get(channelId) ?? [];
  }

  /** Resolves with the first posted message (already there or still to come) that matches. */
  waitForMessage(predicate: (message: FakeSlackMessage) => boolean, timeoutMs = 2_000): Promise<FakeSlackMessage> {
    return this.#waiters.until(
      () => {
        for (const messages of this.#messages.values()) {
          const found = messages.find(predicate);
          if (found) return found;
        }
        return undefined;
      },
      timeoutMs,
      'a matching message',
    );
  }

  /** Resolves with the first Web API call of `method` (already made or still to come) that matches. */
  waitForCall(method: string, predicate: (call: SlackApiCall) => boolean = () => true, timeoutMs = 2_000): Promise<SlackApiCall> {
    return this.#waiters.until(() => this.calls.find((call) => call.method === method && predicate(call)), timeoutMs, `a ${method} call`);
  }

  /** Answers the next `times` calls of `method` with a Slack error or an HTTP status (still recorded). */
  failNext(method: string, fault: FakeSlackFault, times = 1): void {
    this.#faults.push({ method, fault, remaining: times });
  }

  /** The next `times` calls of `method` answer 429 with `Retry-After: <seconds>` (whole seconds; 0 allowed). */
  rateLimit(method: string, { times = 1, retryAfterSeconds = 1 }: { times?: number; retryAfterSeconds?: number } = {}): void {
    this.failNext(method, { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } }, times);
  }

  /** Adds the bot to a channel or removes it (`not_in_channel` on posting while out). */
  setMember(channelId: string, isMember: boolean): void {
    const channel = this.#channels.get(channelId);
    if (!channel) throw new Error(`FakeSlack: unknown channel ${channelId}`);
    this.#channels.set(channelId, { ...channel, isMember });
  }

  /**
   * Everything the app sent, as one string to grep for secrets: Web API method and raw body,
   * Socket Mode frames from the app (acks), and `response_url` bodies. Headers are left out (they
   * carry the tokens by design); so is what the fake itself sent (a view submission carries what
   * the user typed).
   */
  appOutput(): string {
    const lines: string[] = [];
    for (const call of this.calls) lines.push(`${call.method} ${call.rawBody}`);
    for (const frame of this.frames) if (frame.direction === 'fromApp') lines.push(frame.raw);
    for (const post of this.responsePosts) lines.push(JSON.stringify(post.body));
    return lines.join('\n');
  }

  // ------------------------------------------------------------------------------ Socket Mode

  #onConnection(socket: WebSocket): void {
    const connection: SocketConnection = { id: ++this.#connectionCounter, socket, helloSent: false };
    this.#connections.add(connection);
    this.socketStats.connections += 1;
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      const raw = rawToString(data);
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return;
      }
      const frame = isRecord(parsed) ? parsed : { value: parsed };
      this.frames.push({ at: Date.now(), connectionId: connection.id, direction: 'fromApp', data: frame, raw });
      const envelope = typeof frame.envelope_id === 'string' ? this.envelopes.get(frame.envelope_id) : undefined;
      if (envelope && !envelope.ack) {
        envelope.ack = isRecord(frame.payload) ? frame.payload : {};
        envelope.ackedAt = performance.now();
      }
      this.#waiters.notify();
    });
    socket.on('close', () => {
      this.#connections.delete(connection);
      this.#waiters.notify();
    });
    socket.on('error', () => undefined);
    this.#send(connection, {
      type: 'hello',
      num_connections: this.#connections.size,
      debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18_060 },
      connection_info: { app_id: this.appId },
    });
    connection.helloSent = true;
    this.#waiters.notify();
  }

  #send(connection: SocketConnection, data: Json): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    const raw = JSON.stringify(data);
    this.frames.push({ at: Date.now(), connectionId: connection.id, direction: 'toApp', data, raw });
    connection.socket.send(raw);
  }

  async #deliver(record: EnvelopeRecord, acceptsResponsePayload: boolean, timeoutMs: number | undefined): Promise<void> {
    // The newest connection gets the envelope, as Slack spreads them over the open ones.
    const connection = [...this.#connections].reverse().find((candidate) => candidate.helloSent && candidate.socket.readyState === candidate.socket.OPEN);
    if (!connection) throw new Error('FakeSlack: no open Socket Mode connection to deliver to');
    this.envelopes.set(record.envelopeId, record);
    this.#send(connection, {
      envelope_id: record.envelopeId,
      type: record.type,
      payload: record.payload,
      accepts_response_payload: acceptsResponsePayload,
      ...(record.type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
    });
    await this.#waiters.until(() => (record.ack ? true : undefined), timeoutMs ?? this.#ackTimeoutMs, `the ack of envelope ${record.envelopeId} (${record.type})`);
  }

  #newSlashCommand(options: SlashCommandOptions): SlashCommandRecord {
    const channelId = options.channelId ?? SLACK_DEFAULTS.alertChannelId;
    const channel = this.#channels.get(channelId);
    const user = this.#users.get(options.userId);
    const key = `${randomDigits(13)}/${randomBytes(12).toString('hex')}`;
    const responseUrl = `${this.#origin}/commands/${this.teamId}/${key}`;
    const triggerId = this.#issueTrigger(options.userId);
    const payload: Record<string, string> = {
      token: SLACK_DEFAULTS.verificationToken,
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: channelId,
      channel_name: channel?.name ?? 'unknown',
      user_id: options.userId,
      user_name: user?.name ?? options.userId,
      command: options.command ?? '/oneflex',
      text: options.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const record: SlashCommandRecord = {
      envelopeId: randomUUID(),
      type: 'slash_commands',
      payload,
      deliveredAt: performance.now(),
      ackedAt: null,
      ack: null,
      responseUrl,
      triggerId,
      responses: [],
    };
    this.#responseUrls.set(`/commands/${this.teamId}/${key}`, { record, status: options.responseUrlStatus ?? 200, createdAt: Date.now(), uses: 0 });
    return record;
  }

  #issueTrigger(userId: string): string {
    const triggerId = `${randomDigits(13)}.${randomDigits(10)}.${randomBytes(16).toString('hex')}`;
    this.#triggers.set(triggerId, { userId, issuedAt: Date.now(), used: false });
    return triggerId;
  }

  #findView(options: SubmitViewOptions): FakeSlackView | undefined {
    if (options.viewId !== undefined) {
      const view = this.views.get(options.viewId);
      if (!view) throw new Error(`FakeSlack: no view ${options.viewId} was opened`);
      return view;
    }
    const views = [...this.views.values()].reverse();
    const view = options.callbackId === undefined ? views[0] : views.find((candidate) => candidate.callback_id === options.callbackId);
    if (!view && options.fields) throw new Error(`FakeSlack: no view with callback_id "${String(options.callbackId)}" was opened`);
    return view;
  }

  #publicView(view: FakeSlackView): Json {
    const { userId: _userId, ...rest } = view;
    return rest;
  }

  // ------------------------------------------------------------------------------ HTTP

  #handleHttp(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
      this.#waiters.notify();
    };
    if (url.pathname.startsWith('/commands/')) {
      this.#handleResponseUrl(url.pathname, req, rawBody, send);
      return;
    }
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!match || (req.method ?? 'GET').toUpperCase() !== 'POST') {
      send(404, { ok: false, error: 'unknown_method' });
      return;
    }
    const method = match[1] ?? '';
    const params = this.#parseParams(req.headers['content-type'] ?? '', rawBody, url.searchParams);
    const authorization = req.headers.authorization;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : typeof params.token === 'string' ? params.token : null;
    const call: SlackApiCall = { at: Date.now(), method, headers: req.headers, token, params, rawBody, status: 0, response: undefined };
    this.calls.push(call);

    const reply = this.#apiCall(call);
    call.status = reply.status;
    call.response = reply.body;
    const headers: Record<string, string> = { ...reply.headers };
    if (token === this.botToken) {
      headers['x-oauth-scopes'] = this.#scopes.join(',');
      const scope = METHOD_SCOPES[method];
      if (scope) headers['x-accepted-oauth-scopes'] = scope;
    }
    send(reply.status, reply.body, headers);
  }

  #parseParams(contentType: string, rawBody: string, query: URLSearchParams): Json {
    let params: Json = Object.fromEntries(query);
    if (contentType.startsWith('application/json')) {
      try {
        const parsed: unknown = JSON.parse(rawBody);
        if (isRecord(parsed)) params = { ...params, ...parsed };
      } catch {
        // An unparsable JSON body is treated like an empty one: the call then fails on its arguments.
      }
    } else if (rawBody.length > 0) {
      params = { ...params, ...Object.fromEntries(new URLSearchParams(rawBody)) };
    }
    for (const key of JSON_PARAMS) {
      const value = params[key];
      if (typeof value !== 'string') continue;
      try {
        params[key] = JSON.parse(value);
      } catch {
        // Left as a string: the method answers invalid_blocks / invalid_arguments.
      }
    }
    return params;
  }

  #apiCall(call: SlackApiCall): { status: number; body: unknown; headers?: Readonly<Record<string, string>> } {
    const ok = (body: Json = {}) => ({ status: 200, body: { ok: true, ...body } });
    const fail = (error: string, extra: Json = {}) => ({ status: 200, body: { ok: false, error, ...extra } });

    const faultIndex = this.#faults.findIndex((fault) => fault.method === call.method);
    const fault = faultIndex === -1 ? undefined : this.#faults[faultIndex];
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.#faults.splice(faultIndex, 1);
      if ('error' in fault.fault) return fail(fault.fault.error, { ...fault.fault.extra });
      return { status: fault.fault.status, body: fault.fault.body ?? '', headers: fault.fault.headers };
    }

    const handler = this.#handlers[call.method];
    if (!handler) {
      this.unknownMethods.push(call);
      return fail('unknown_method');
    }
    if (call.token === null) return fail('not_authed');
    const wantsAppToken = APP_TOKEN_METHODS.has(call.method);
    if (call.token !== this.botToken && call.token !== this.appToken) return fail('invalid_auth');
    if (wantsAppToken !== (call.token === this.appToken)) return fail('not_allowed_token_type');
    const scope = METHOD_SCOPES[call.method];
    if (scope && !this.#scopes.includes(scope)) return fail('missing_scope', { needed: scope, provided: this.#scopes.join(',') });
    const result = handler(call.params);
    return result instanceof SlackFailure ? fail(result.error, result.extra) : ok(result);
  }

  #channelFor(value: unknown): (FakeSlackChannel & { isMember: boolean }) | undefined {
    if (typeof value !== 'string') return undefined;
    return this.#channels.get(value) ?? [...this.#channels.values()].find((channel) => `#${channel.name}` === value || channel.name === value);
  }

  #channelObject(channel: FakeSlackChannel & { isMember: boolean }): Json {
    return {
      id: channel.id,
      name: channel.name,
      name_normalized: channel.name,
      is_channel: !channel.isPrivate,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: channel.isPrivate ?? false,
      is_archived: channel.isArchived ?? false,
      is_general: channel.name === 'general',
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      is_member: channel.isMember,
      context_team_id: this.teamId,
      created: 1_700_000_000,
      creator: SLACK_DEFAULTS.ownerId,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
      num_members: 3,
    };
  }

  #nextTs(): string {
    this.#tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.#tsCounter).padStart(6, '0')}`;
  }

  /** Web API methods: each returns the fields of an `ok:true` answer, or `{error}`. */
  readonly #handlers: Record<string, (params: Json) => Json | SlackFailure> = {
    'api.test': (params) => ({ args: params }),
    'auth.test': () => ({
      url: `https://${this.teamDomain}.slack.com/`,
      team: 'OneFlex Team',
      user: 'oneflex',
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    }),
    'apps.connections.open': () => {
      const ticket = randomUUID();
      this.#tickets.add(ticket);
      this.socketStats.ticketsIssued += 1;
      return { url: `${this.#origin.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.appId}` };
    },
    'chat.postMessage': (params) => {
      // Like Slack, a user id as `channel` posts into the app's direct message with that user
      // (stored under `D` + the user id without its first letter).
      const dmUser = typeof params.channel === 'string' && this.#users.has(params.channel) ? params.channel : undefined;
      const channel = dmUser ? { id: `D${dmUser.slice(1)}`, name: dmUser, isMember: true, isPrivate: true } : this.#channelFor(params.channel);
      if (!channel) return new SlackFailure('channel_not_found');
      if (channel.isArchived) return new SlackFailure('is_archived');
      if (!channel.isMember) return new SlackFailure('not_in_channel');
      const text = typeof params.text === 'string' ? params.text : undefined;
      const blocks = params.blocks as unknown[] | undefined;
      if (!text && blocks === undefined && params.attachments === undefined) return new SlackFailure('no_text');
      if (text && text.length > 40_000) return new SlackFailure('msg_too_long');
      const invalid = blocksError(blocks);
      if (invalid) return { error: invalid };
      const ts = this.#nextTs();
      const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
      const message: FakeSlackMessage = { ts, channel: channel.id, text, blocks, threadTs, params };
      let list = this.#messages.get(channel.id);
      if (!list) {
        list = [];
        this.#messages.set(channel.id, list);
      }
      list.push(message);
      return {
        channel: channel.id,
        ts,
        message: { type: 'message', user: this.botUserId, bot_id: this.botId, app_id: this.appId, team: this.teamId, text: text ?? '', ts, ...(blocks ? { blocks } : {}) },
      };
    },
    'chat.update': (params) => {
      const channel = this.#channelFor(params.channel);
      if (!channel) return new SlackFailure('channel_not_found');
      const message = this.#messages.get(channel.id)?.find((candidate) => candidate.ts === params.ts);
      if (!message) return new SlackFailure('message_not_found');
      const invalid = blocksError(params.blocks);
      if (invalid) return { error: invalid };
      if (typeof params.text === 'string') message.text = params.text;
      if (params.blocks !== undefined) message.blocks = params.blocks as unknown[];
      message.params = { ...message.params, ...params };
      return { channel: channel.id, ts: message.ts, text: message.text ?? '' };
    },
    'chat.postEphemeral': (params) => {
      const channel = this.#channelFor(params.channel);
      if (!channel) return new SlackFailure('channel_not_found');
      if (!channel.isMember && !channel.isPrivate) return new SlackFailure('not_in_channel');
      if (typeof params.user !== 'string' || !this.#users.has(params.user)) return new SlackFailure('user_not_found');
      const text = typeof params.text === 'string' ? params.text : undefined;
      const blocks = params.blocks as unknown[] | undefined;
      if (!text && blocks === undefined && params.attachments === undefined) return new SlackFailure('no_text');
      const invalid = blocksError(blocks);
      if (invalid) return { error: invalid };
      const messageTs = this.#nextTs();
      this.ephemerals.push({ messageTs, channel: channel.id, user: params.user, text, blocks, params });
      return { message_ts: messageTs };
    },
    'views.open': (params) => {
      const triggerId = typeof params.trigger_id === 'string' ? params.trigger_id : '';
      const trigger = this.#triggers.get(triggerId);
      if (!trigger) return new SlackFailure('invalid_trigger_id');
      if (trigger.used) return new SlackFailure('exchanged_trigger_id');
      if (Date.now() - trigger.issuedAt > this.#triggerTtlMs) return new SlackFailure('expired_trigger_id');
      const problem = this.#viewProblem(params.view);
      if (problem) return new SlackFailure('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${problem}`] } });
      trigger.used = true;
      const view = this.#storeView(params.view as Json, trigger.userId);
      return { view: this.#publicView(view) };
    },
    'views.update': (params) => {
      const id = typeof params.view_id === 'string' ? params.view_id : undefined;
      const existing = id ? this.views.get(id) : [...this.views.values()].find((view) => view.external_id === params.external_id);
      if (!existing) return new SlackFailure('not_found');
      if (typeof params.hash === 'string' && params.hash !== existing.hash) return new SlackFailure('hash_conflict');
      const problem = this.#viewProblem(params.view);
      if (problem) return new SlackFailure('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${problem}`] } });
      const view = this.#storeView(params.view as Json, existing.userId, existing.id);
      return { view: this.#publicView(view) };
    },
    'conversations.list': (params) => {
      const types = typeof params.types === 'string' ? params.types.split(',') : ['public_channel'];
      const all = [...this.#channels.values()].filter(
        (channel) =>
          (channel.isPrivate ? types.includes('private_channel') : types.includes('public_channel')) &&
          !(params.exclude_archived === 'true' || params.exclude_archived === true ? channel.isArchived : false),
      );
      const limit = Math.max(1, Math.min(1000, Number(params.limit ?? 100) || 100));
      const offset = typeof params.cursor === 'string' && params.cursor !== '' ? Number(Buffer.from(params.cursor, 'base64').toString('utf8').replace('offset:', '')) : 0;
      const page = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
      return { channels: page.map((channel) => this.#channelObject(channel)), response_metadata: { next_cursor: next } };
    },
    'conversations.info': (params) => {
      const channel = typeof params.channel === 'string' ? this.#channels.get(params.channel) : undefined;
      return channel ? { channel: this.#channelObject(channel) } : new SlackFailure('channel_not_found');
    },
    'conversations.join': (params) => {
      const channel = typeof params.channel === 'string' ? this.#channels.get(params.channel) : undefined;
      if (!channel) return new SlackFailure('channel_not_found');
      if (channel.isPrivate) return new SlackFailure('method_not_supported_for_channel_type');
      if (channel.isArchived) return new SlackFailure('is_archived');
      this.setMember(channel.id, true);
      return { channel: this.#channelObject({ ...channel, isMember: true }) };
    },
    'users.info': (params) => {
      const user = typeof params.user === 'string' ? this.#users.get(params.user) : undefined;
      if (!user) return new SlackFailure('user_not_found');
      return {
        user: {
          id: user.id,
          team_id: this.teamId,
          name: user.name,
          real_name: user.realName ?? user.name,
          deleted: false,
          is_bot: user.isBot ?? false,
          is_admin: user.id === SLACK_DEFAULTS.ownerId,
          tz: user.tz ?? 'Europe/Paris',
          profile: { real_name: user.realName ?? user.name, display_name: user.name },
        },
      };
    },
  };

  #viewProblem(view: unknown): string | null {
    if (!isRecord(view)) return 'view must be a JSON object [json-pointer:/view]';
    if (view.type !== 'modal') return 'must be "modal" [json-pointer:/view/type]';
    const title = plainText(view.title);
    if (!title || title.length > 24) return 'must be less than 25 characters [json-pointer:/view/title/text]';
    const blocks = Array.isArray(view.blocks) ? view.blocks : null;
    if (!blocks || blocks.length > 100) return 'must be an array of at most 100 blocks [json-pointer:/view/blocks]';
    if (blocks.some((block) => isRecord(block) && block.type === 'input') && !plainText(view.submit)) {
      return 'must provide submit text when view contains input blocks [json-pointer:/view/submit]';
    }
    const submit = plainText(view.submit);
    if (submit && submit.length > 24) return 'must be less than 25 characters [json-pointer:/view/submit/text]';
    if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return 'must be less than 3001 characters [json-pointer:/view/private_metadata]';
    return null;
  }

  #storeView(raw: Json, userId: string, id = `V${randomDigits(10)}`): FakeSlackView {
    const blocks = (raw.blocks as unknown[]).map((block, index) =>
      isRecord(block) ? { ...block, block_id: typeof block.block_id === 'string' ? block.block_id : `b${index}-${randomBytes(3).toString('hex')}` } : {},
    );
    const view: FakeSlackView = {
      ...raw,
      id,
      team_id: this.teamId,
      type: 'modal',
      callback_id: typeof raw.callback_id === 'string' ? raw.callback_id : '',
      private_metadata: typeof raw.private_metadata === 'string' ? raw.private_metadata : '',
      title: raw.title,
      submit: raw.submit ?? null,
      close: raw.close ?? null,
      blocks,
      state: { values: {} },
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      root_view_id: id,
      previous_view_id: null,
      app_id: this.appId,
      bot_id: this.botId,
      app_installed_team_id: this.teamId,
      external_id: typeof raw.external_id === 'string' ? raw.external_id : '',
      clear_on_close: raw.clear_on_close === true,
      notify_on_close: raw.notify_on_close === true,
      userId,
    };
    this.views.set(id, view);
    return view;
  }

  #handleResponseUrl(
    path: string,
    req: IncomingMessage,
    rawBody: string,
    send: (status: number, body: unknown, headers?: Readonly<Record<string, string>>) => void,
  ): void {
    const state = this.#responseUrls.get(path);
    let body: Json = {};
    try {
      const parsed: unknown = (req.headers['content-type'] ?? '').startsWith('application/json')
        ? JSON.parse(rawBody)
        : JSON.parse(new URLSearchParams(rawBody).get('payload') ?? '{}');
      if (isRecord(parsed)) body = parsed;
    } catch {
      body = { unparsable: rawBody };
    }
    let status = 200;
    let answer: unknown = { ok: true };
    if (!state || Date.now() - state.createdAt > RESPONSE_URL_LIFETIME_MS) {
      status = 404;
      answer = { ok: false, error: 'expired_url' };
    } else if (state.uses >= RESPONSE_URL_USES) {
      status = 404;
      answer = { ok: false, error: 'used_url' };
    } else if (state.status !== 200) {
      status = state.status;
      answer = { ok: false, error: 'fake_failure' };
    } else if (!body.text && body.blocks === undefined && body.delete_original !== true && body.attachments === undefined) {
      status = 400;
      answer = { ok: false, error: 'no_text' };
    } else if (blocksError(body.blocks)) {
      status = 400;
      answer = { ok: false, error: 'invalid_blocks' };
    }
    const post: ResponseUrlPost = { at: Date.now(), body, headers: req.headers, status };
    this.responsePosts.push(post);
    if (state) {
      state.uses += 1;
      state.record.responses.push(post);
    }
    send(status, answer);
  }
}
