/**
 * The Slack bot (src/chat/slack) driven end to end: the real Bolt 5 over real sockets against the
 * fake Slack (Web API, Socket Mode, response_url, signed HTTP), with a ChatCommandHandler double
 * for the adapter's mechanics and the real handler over a OneFlex sandbox for the commands.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackBot, startSlackBot, type SlackBot, type SlackTestOptions } from '../../src/chat/slack/bot.js';
import { SlackBotChannel } from '../../src/chat/slack/channel.js';
import { createBoltLogger, redactPayload } from '../../src/chat/slack/bolt-logger.js';
import { problemText, type SlackBotProblem } from '../../src/chat/slack/problems.js';
import { createChatCommandHandler } from '../../src/chat/handler.js';
import type { ChatArgs, ChatCommandHandler, ChatCommandSpec, ChatInvoker, ChatReply } from '../../src/chat/contract.js';
import type { SlackConfig } from '../../src/config/config.js';
import { LineCollector, createLogger, type Logger } from '../../src/logger.js';
import { DeliveryError } from '../../src/notify/channel.js';
import { createEvent } from '../../src/notify/events.js';
import type { NotificationMessage } from '../../src/notify/message.js';
import { buildMessage } from '../../src/notify/compose.js';
import { createNotifications } from '../../src/notify/setup.js';
import { SecretRegistry } from '../../src/secrets.js';
import { webApi } from '@slack/bolt';
import { FakeSlack, SLACK_DEFAULTS, signedRequest, type FakeSlackOptions, type SlashCommandRecord } from '../support/fake-slack.js';
import { USER, nextWeekdays, startHarness, type HarnessOptions } from '../support/harness.js';
import { VirtualTimers } from '../support/notify-kit.js';
import { loadConfig } from '../../src/config/config.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runCleanups, type Cleanup } from '../support/cleanups.js';

const OWNER = SLACK_DEFAULTS.ownerId;
const MEMBER = SLACK_DEFAULTS.memberId;
const ALERTS = SLACK_DEFAULTS.alertChannelId;
const SIGNING_SECRET = 'fake-signing-secret-0123456789abcdef';
/** What a user pastes into the token form in the double's tests: must never come back out. */
const FORM_ACCESS = 'form-access-token-value-never-echoed-4242';
const FORM_REFRESH = 'form-refresh-token-value-never-echoed-4343';
const FAST: SlackTestOptions = { clientPingTimeoutMs: 100, retryMinTimeoutMs: 0, reconnectMinDelayMs: 20, host: '127.0.0.1' };

/** Run after each test, last registered first; every one runs even when another fails. */
const cleanups: Cleanup[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(async () => {
  const failures = await runCleanups(cleanups);
  process.off('unhandledRejection', onRejection);
  if (failures.length > 0) throw failures[0];
  expect(rejections).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// Support
// ---------------------------------------------------------------------------------------------

function replyMessage(title: string, text: string, severity: NotificationMessage['severity'] = 'info'): NotificationMessage {
  return {
    eventId: `reply-${title}`,
    eventType: 'reply',
    severity,
    test: false,
    timestamp: '2026-11-30T08:00:00.000Z',
    title,
    text,
    fields: [],
    actions: [],
    mentionOwner: false,
    footer: 'oneflex-bot',
    locale: 'en',
  };
}

const text = (en: string) => ({ fr: en, en });

/** A ChatCommandHandler double: records what the adapter asked, answers predictably. */
class HandlerDouble implements ChatCommandHandler {
  readonly specs: readonly ChatCommandSpec[] = [
    { name: 'status', description: text('Status'), options: [], restricted: false, privateReply: true },
    {
      name: 'book',
      description: text('Book'),
      options: [
        { name: 'date', type: 'date', description: text('Date') },
        { name: 'force', type: 'boolean', description: text('Force') },
      ],
      restricted: true,
      privateReply: false,
    },
    {
      name: 'token',
      description: text('Tokens'),
      options: [],
      restricted: true,
      privateReply: true,
      form: {
        id: 'oneflex-token',
        title: text('New OneFlex tokens, a title longer than Slack allows'),
        fields: [
          { id: 'access', label: text('Access token'), required: false },
          { id: 'refresh', label: text('Refresh token'), required: true },
        ],
      },
    },
    { name: 'boom', description: text('Throws'), options: [], restricted: false, privateReply: false },
  ];
  readonly runs: { invoker: ChatInvoker; command: string; args: ChatArgs }[] = [];
  readonly submissions: { invoker: ChatInvoker; values: { access?: string | undefined; refresh?: string | undefined } }[] = [];
  /** Makes `run` take this long (a slow booking). */
  runDelayMs = 0;

  constructor(private readonly admins: readonly string[] = [OWNER]) {}

  localeFor(): 'en' {
    return 'en';
  }

  mayRun(invoker: ChatInvoker, command: string): boolean {
    const spec = this.specs.find((s) => s.name === command);
    return !spec?.restricted || this.admins.includes(invoker.userId);
  }

  async run(invoker: ChatInvoker, command: string, args: ChatArgs): Promise<ChatReply> {
    this.runs.push({ invoker, command, args });
    if (this.runDelayMs) await new Promise((resolve) => setTimeout(resolve, this.runDelayMs));
    if (command === 'boom') throw new Error('kaboom: an internal detail');
    if (!this.mayRun(invoker, command)) return { ephemeral: true, message: replyMessage('Not allowed', `Only admins may use /oneflex ${command}.`, 'warning') };
    if (command === 'book') return { ephemeral: false, message: replyMessage('Booking: 1 booked', `✅ ${String(args.date ?? 'next run')} — A-01${args.force ? ' (forced)' : ''}`, 'success') };
    return { ephemeral: false, message: replyMessage('Bot status', 'Tokens valid') };
  }

  async submitTokens(invoker: ChatInvoker, values: { readonly access?: string | undefined; readonly refresh?: string | undefined }): Promise<ChatReply> {
    this.submissions.push({ invoker, values: { ...values } });
    return { ephemeral: true, message: replyMessage('Tokens stored', 'They belong to Alice Martin.', 'success') };
  }

  parseText(input: string): { readonly command: string; readonly args: ChatArgs } | { readonly error: ChatReply } {
    const [name = '', ...words] = input.trim().split(/\s+/).filter(Boolean);
    if (!this.specs.some((s) => s.name === name)) return { error: { ephemeral: true, message: replyMessage('Cannot do that', `Unknown command '${name}'. Example: /oneflex book 2026-12-01`, 'warning') } };
    const args: Record<string, string | boolean> = {};
    for (const word of words) {
      if (word === 'force') args.force = true;
      else args.date = word;
    }
    return { command: name, args };
  }
}

async function startFake(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  await fake.start();
  cleanups.push(() => fake.stop());
  // Every Web API method the bot used must be one the fake knows.
  cleanups.push(() => expect(fake.unknownMethods.map((call) => call.method)).toEqual([]));
  return fake;
}

function socketConfig(fake: FakeSlack, overrides: Partial<SlackConfig> = {}): SlackConfig {
  return {
    botToken: fake.botToken,
    mode: { kind: 'socket', appToken: fake.appToken },
    alertChannel: 'oneflex-alerts',
    apiUrl: fake.apiUrl,
    ownerId: OWNER,
    ...overrides,
  };
}

function httpConfig(fake: FakeSlack, overrides: Partial<SlackConfig> = {}): SlackConfig {
  return socketConfig(fake, { mode: { kind: 'http', signingSecret: SIGNING_SECRET, port: 0 }, ...overrides });
}

/** A logger at debug level writing JSON lines into a collector, with NO secret registered: what it writes is what the code wrote. */
function captureLogger(): { logger: Logger; log: LineCollector } {
  const log = new LineCollector();
  return { logger: createLogger({ level: 'debug', format: 'json', secrets: new SecretRegistry(), stream: log }), log };
}

interface Started {
  readonly bot: SlackBot;
  readonly log: LineCollector;
  /** What onProblem reported, as `message: fix`. */
  readonly problems: string[];
  readonly reported: SlackBotProblem[];
  readonly states: string[];
}

async function startBot(config: SlackConfig, handler: ChatCommandHandler = new HandlerDouble(), testOptions: SlackTestOptions = FAST): Promise<Started> {
  const { logger, log } = captureLogger();
  const reported: SlackBotProblem[] = [];
  const states: string[] = [];
  const bot = await startSlackBot({ config, handler, logger, onProblem: (problem) => reported.push(problem), onStateChange: (state) => states.push(state), testOptions });
  cleanups.push(() => bot.stop());
  return {
    bot,
    log,
    get problems() {
      return reported.map(problemText);
    },
    reported,
    states,
  };
}

const critical = (): NotificationMessage => ({
  ...replyMessage('⚠️ OneFlex token expired', 'The bot cannot book until it gets new tokens.', 'critical'),
  eventId: 'evt-1',
  eventType: 'token-expired',
  mentionOwner: true,
  actions: ['Sign in to OneFlex again', 'Run /oneflex token'],
});

const signal = () => AbortSignal.timeout(5_000);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

// ---------------------------------------------------------------------------------------------
// Slash commands over Socket Mode (handler double)
// ---------------------------------------------------------------------------------------------

describe('Slack bot: /oneflex over Socket Mode', () => {
  it('acks at once, then answers a public command in the channel through the response_url', async () => {
    const fake = await startFake();
    const handler = new HandlerDouble();
    handler.runDelayMs = 200; // a slow booking: the ack must not wait for it
    const { bot } = await startBot(socketConfig(fake), handler);

    const record = await fake.sendSlashCommand({ text: 'book 2026-12-01 force', userId: OWNER, timeoutMs: 3_000 });
    const ackMs = record.ackedAt! - record.deliveredAt;
    await fake.waitForResponse(record);

    expect(bot.state).toBe('connected');
    expect(record.ack).toEqual({});
    expect(ackMs).toBeLessThan(150);
    expect(handler.runs).toEqual([{ invoker: { platform: 'slack', userId: OWNER }, command: 'book', args: { date: '2026-12-01', force: true } }]);
    const body = record.responses[0]!.body;
    expect(body).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('Booking: 1 booked') });
    expect(body.blocks).toEqual([{ type: 'header', text: { type: 'plain_text', text: 'Booking: 1 booked', emoji: true } }]);
    expect(JSON.stringify(body.attachments)).toContain('2026-12-01 — A-01 (forced)');
  });

  it('answers privately (ephemeral) when the reply is private or the command always answers privately', async () => {
    const fake = await startFake();
    await startBot(socketConfig(fake));

    const status = await fake.sendSlashCommand({ text: 'status', userId: MEMBER });
    const unknown = await fake.sendSlashCommand({ text: 'dance', userId: MEMBER });
    await fake.waitForResponse(status);
    await fake.waitForResponse(unknown);

    // The double answers status with ephemeral: false; the spec's privateReply wins.
    expect(status.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Bot status') });
    expect(unknown.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining("Unknown command 'dance'") });
  });

  it('refuses an unauthorized user privately, without opening the token form', async () => {
    const fake = await startFake();
    const handler = new HandlerDouble();
    await startBot(socketConfig(fake), handler);

    const token = await fake.sendSlashCommand({ text: 'token', userId: MEMBER });
    const book = await fake.sendSlashCommand({ text: 'book 2026-12-01', userId: MEMBER });
    await fake.waitForResponse(token);
    await fake.waitForResponse(book);

    expect(fake.calls.filter((call) => call.method === 'views.open')).toEqual([]);
    expect(token.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Only admins may use /oneflex token') });
    expect(book.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Only admins may use /oneflex book') });
  });

  it('opens the token form with the trigger_id, and its submission reaches submitTokens and is answered privately', async () => {
    const fake = await startFake();
    const handler = new HandlerDouble();
    const { log } = await startBot(socketConfig(fake), handler);

    const command = await fake.sendSlashCommand({ text: 'token', userId: OWNER });
    const open = await fake.waitForCall('views.open');
    const submission = await fake.submitView({ userId: OWNER, callbackId: 'oneflex-token', fields: { access: FORM_ACCESS, refresh: FORM_REFRESH } });
    await expect.poll(() => fake.ephemerals.length).toBe(1);

    expect(command.ack).toEqual({});
    expect(open.params.trigger_id).toBe(command.triggerId);
    expect(open.response).toMatchObject({ ok: true });
    const view = open.params.view as Record<string, unknown>;
    expect(view).toMatchObject({ type: 'modal', callback_id: 'oneflex-token', private_metadata: ALERTS, title: { type: 'plain_text', text: 'New OneFlex tokens, a t…' } });
    expect(view.blocks).toEqual([
      expect.objectContaining({ type: 'input', block_id: 'access', optional: true, element: expect.objectContaining({ type: 'plain_text_input', action_id: 'access', multiline: true }) }),
      expect.objectContaining({ type: 'input', block_id: 'refresh', optional: false, element: expect.objectContaining({ type: 'plain_text_input', action_id: 'refresh', multiline: true }) }),
    ]);
    expect(command.responses).toEqual([]); // nothing on the response_url: the form is the answer
    expect(submission.ack).toEqual({});
    expect(handler.submissions).toEqual([{ invoker: { platform: 'slack', userId: OWNER }, values: { access: FORM_ACCESS, refresh: FORM_REFRESH } }]);
    expect(fake.ephemerals[0]).toMatchObject({ channel: ALERTS, user: OWNER, text: expect.stringContaining('Tokens stored') });
    expect(fake.messagesIn(ALERTS)).toEqual([]); // nothing public
    const everything = `${fake.appOutput()}\n${log.lines.join('\n')}`;
    expect(everything).not.toContain(FORM_ACCESS);
    expect(everything).not.toContain(FORM_REFRESH);
  });

  it('answers a form submitted from a channel the bot is not in with a direct message', async () => {
    const fake = await startFake();
    const handler = new HandlerDouble();
    await startBot(socketConfig(fake), handler);

    await fake.sendSlashCommand({ text: 'token', userId: OWNER, channelId: 'C0RANDOM' });
    await fake.waitForCall('views.open');
    await fake.submitView({ userId: OWNER, callbackId: 'oneflex-token', fields: { refresh: FORM_REFRESH } });
    const dm = await fake.waitForMessage((message) => message.channel === `D${OWNER.slice(1)}`);

    expect(fake.calls.find((call) => call.method === 'chat.postEphemeral')?.response).toMatchObject({ ok: false, error: 'not_in_channel' });
    expect(dm.text).toContain('Tokens stored');
    expect(handler.submissions[0]?.values).toEqual({ access: undefined, refresh: FORM_REFRESH });
    expect(fake.messagesIn('C0RANDOM')).toEqual([]);
  });

  it('turns an exception in the handler into a private answer with an error id, logged with the same id', async () => {
    const fake = await startFake();
    const { log } = await startBot(socketConfig(fake));

    const record = await fake.sendSlashCommand({ text: 'boom', userId: MEMBER });
    await fake.waitForResponse(record);
    const after = await fake.sendSlashCommand({ text: 'status', userId: MEMBER });
    await fake.waitForResponse(after);

    const body = record.responses[0]!.body;
    expect(body).toMatchObject({ response_type: 'ephemeral' });
    const errorId = /\(reference ([0-9a-f]{8})\)/.exec(String(body.text))?.[1];
    expect(errorId).toBeDefined();
    expect(JSON.stringify(body)).not.toContain('kaboom'); // the user sees the id, not the internals
    const logged = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.message === 'slack command failed');
    expect(logged).toMatchObject({ level: 'error', errorId, command: 'boom', phase: 'run' });
    expect(after.responses[0]!.body).toMatchObject({ text: expect.stringContaining('Bot status') }); // still serving
  });

  it('falls back to a private message when the response_url refuses the answer', async () => {
    const fake = await startFake();
    await startBot(socketConfig(fake));

    const record = await fake.sendSlashCommand({ text: 'book 2026-12-01', userId: OWNER, responseUrlStatus: 404 });
    await fake.waitForResponse(record);
    await expect.poll(() => fake.ephemerals.length).toBe(1);

    expect(record.responses[0]!.status).toBe(404);
    expect(fake.ephemerals[0]).toMatchObject({ channel: ALERTS, user: OWNER, text: expect.stringContaining('Booking: 1 booked') });
  });

  it('keeps frames and Web API bodies out of the debug log', () => {
    const frame = JSON.stringify({ envelope_id: 'e-1', type: 'interactive', payload: { type: 'view_submission', view: { state: { values: { refresh: { refresh: { value: FORM_REFRESH } } } } } } });

    expect(redactPayload(`Received a message on the WebSocket: ${frame}`)).toBe('Received a message on the WebSocket (interactive/view_submission envelope e-1)');
    expect(redactPayload(`http request body: {"token":"x","text":"${FORM_REFRESH}"}`)).toBe('http request body: [payload omitted]');
    expect(redactPayload('apiCall(\'chat.postMessage\') start')).toBe("apiCall('chat.postMessage') start");
  });
});

// ---------------------------------------------------------------------------------------------
// The alert channel
// ---------------------------------------------------------------------------------------------

describe('Slack bot: the alert channel', () => {
  it('posts an alert into #oneflex-alerts as blocks with a text fallback, mentioning the owner when critical', async () => {
    const fake = await startFake();
    const { bot, problems } = await startBot(socketConfig(fake));

    await bot.channel.send(critical(), signal());
    const posted = fake.messagesIn(ALERTS);

    expect(problems).toEqual([]);
    expect(bot.channel).toMatchObject({ label: 'slack bot #oneflex-alerts', minIntervalMs: 1000, id: expect.stringMatching(/^slack-bot-[0-9a-f]{12}$/) });
    expect(bot.channel.id).not.toContain(fake.botToken);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toBe(`<@${OWNER}> ⚠️ OneFlex token expired\nThe bot cannot book until it gets new tokens.`);
    expect(posted[0]!.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: '⚠️ OneFlex token expired', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: `<@${OWNER}>` } },
    ]);
    expect(JSON.stringify(posted[0]!.params.attachments)).toContain('Run /oneflex token');
    // Found by name once, then posted by id.
    expect(fake.calls.find((call) => call.method === 'chat.postMessage')?.params.channel).toBe(ALERTS);
  });

  it('hands a 429 back at once as a temporary failure with its Retry-After, and the dispatcher honours it', async () => {
    const fake = await startFake();
    const { bot } = await startBot(socketConfig(fake));
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 7 });

    const direct = await bot.channel.send(critical(), signal()).catch((error: unknown) => error);

    expect(direct).toBeInstanceOf(DeliveryError);
    expect(direct).toMatchObject({ kind: 'temporary', status: 429, retryAfterMs: 7_000 });
    expect(fake.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(1); // the WebClient did not retry it

    // Through the dispatcher, with virtual time: one wait of exactly Retry-After, then delivered.
    const stateDir = await mkdtemp(path.join(tmpdir(), 'oneflex-slack-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const config = loadConfig({ STATE_DIR: stateDir, BOT_LOCALE: 'en' }, { readSecretFile: () => '' });
    const timers = new VirtualTimers();
    const { logger } = captureLogger();
    const { dispatcher } = createNotifications({ config, logger, timers, extraRoutes: [{ channel: bot.channel, events: ['booking-failure'] }] });
    await dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 3 });

    dispatcher.publish(createEvent('booking-failure', { failures: [{ date: '2026-12-01', code: 'desk_taken', reason: 'A-01 is taken' }] }, timers));
    expect(await dispatcher.drain(5_000)).toBe(true);

    expect(timers.sleeps).toContain(3_000);
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
    expect(fake.calls.filter((call) => call.method === 'chat.postMessage').map((call) => call.status)).toEqual([429, 429, 200]);
  });

  it.each([
    { error: 'channel_not_found', hint: 'was not found (SLACK_ALERT_CHANNEL)' },
    { error: 'is_archived', hint: 'is archived' },
    { error: 'invalid_auth', hint: 'Slack refused SLACK_BOT_TOKEN' },
    { error: 'token_revoked', hint: 'Slack refused SLACK_BOT_TOKEN' },
    { error: 'account_inactive', hint: 'Slack refused SLACK_BOT_TOKEN' },
    { error: 'missing_scope', hint: 'lacks the scope chat:write' },
    { error: 'invalid_blocks', hint: 'Slack refused the message (invalid_blocks)' },
  ])('reports $error as a permanent failure with what to do', async ({ error, hint }) => {
    const fake = await startFake();
    const { bot } = await startBot(socketConfig(fake));
    fake.failNext('chat.postMessage', { error, extra: error === 'missing_scope' ? { needed: 'chat:write' } : {} });

    const failure = await bot.channel.send(critical(), signal()).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ kind: 'permanent', code: error });
    expect((failure as Error).message).toContain(hint);
  });

  it('says "invite the bot" when it was removed from a private alert channel', async () => {
    const fake = await startFake({ channels: [{ id: 'G0PRIVATE', name: 'oneflex-alerts', isPrivate: true }] });
    const { bot } = await startBot(socketConfig(fake));
    fake.setMember('G0PRIVATE', false);

    const failure = await bot.channel.send(critical(), signal()).catch((e: unknown) => e);

    expect(failure).toMatchObject({ kind: 'permanent', code: 'not_in_channel', message: expect.stringContaining('invite the bot to #oneflex-alerts: /invite @OneFlex') });
  });

  it('joins a public alert channel it is not in, at start-up and again when removed', async () => {
    const fake = await startFake({ channels: [{ id: 'C0PUBLIC', name: 'oneflex-alerts', isMember: false }] });
    const { bot, problems } = await startBot(socketConfig(fake, { alertChannel: '#oneflex-alerts' }));
    fake.setMember('C0PUBLIC', false);

    await bot.channel.send(critical(), signal());

    expect(problems).toEqual([]);
    expect(fake.calls.filter((call) => call.method === 'conversations.join').map((call) => call.params.channel)).toEqual(['C0PUBLIC', 'C0PUBLIC']);
    expect(fake.messagesIn('C0PUBLIC')).toHaveLength(1);
  });

  it.each([
    {
      name: 'a missing channel',
      fake: { channels: [{ id: 'C0GENERAL', name: 'general' }] },
      problem: 'the Slack channel #oneflex-alerts was not found (SLACK_ALERT_CHANNEL): create it and invite the bot (/invite @OneFlex), or set SLACK_ALERT_CHANNEL to an existing channel',
    },
    {
      name: 'a private channel the bot is not in',
      fake: { channels: [{ id: 'G0PRIVATE', name: 'oneflex-alerts', isPrivate: true, isMember: false }] },
      problem: 'the bot is not a member of #oneflex-alerts: invite the bot to #oneflex-alerts: /invite @OneFlex',
    },
    {
      name: 'a public channel it cannot join (no channels:join)',
      fake: { channels: [{ id: 'C0PUBLIC', name: 'oneflex-alerts', isMember: false }], scopes: ['chat:write', 'commands', 'channels:read', 'groups:read'] },
      problem: 'the bot is not a member of #oneflex-alerts and could not join it (missing_scope: needs channels:join): invite the bot to #oneflex-alerts: /invite @OneFlex',
    },
    {
      name: 'a missing channels:read scope',
      fake: { scopes: ['chat:write', 'commands'] },
      problem: expect.stringContaining('lacks the scope channels:read'),
    },
    {
      name: 'an archived channel',
      fake: { channels: [{ id: 'C0OLD', name: 'oneflex-alerts', isArchived: true }] },
      problem: expect.stringContaining('#oneflex-alerts is archived'),
    },
  ])('reports $name at start-up, once, through onProblem, and keeps serving commands', async ({ fake: options, problem }) => {
    const fake = await startFake(options as FakeSlackOptions);
    const { bot, problems } = await startBot(socketConfig(fake));

    const record = await fake.sendSlashCommand({ text: 'status', userId: MEMBER, channelId: 'C0GENERAL' });
    await fake.waitForResponse(record);

    expect(problems).toEqual([problem]);
    expect(bot.problems).toEqual([problem]);
    expect(bot.state).toBe('connected');
    expect(bot.problem).toBeNull();
  });

  it('finds an alert channel given by id with conversations.info', async () => {
    const fake = await startFake();
    const { bot, problems } = await startBot(socketConfig(fake, { alertChannel: ALERTS }));

    await bot.channel.send(critical(), signal());

    expect(problems).toEqual([]);
    expect(bot.channel.label).toBe(`slack bot #${ALERTS}`);
    expect(fake.calls.map((call) => call.method)).toContain('conversations.info');
    expect(fake.calls.map((call) => call.method)).not.toContain('conversations.list');
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

describe('Slack bot: connection', () => {
  it('reconnects after a disconnect message and a dropped socket, and no alert is lost meanwhile', async () => {
    const fake = await startFake();
    const { bot, states } = await startBot(socketConfig(fake));

    await fake.disconnect();
    // While the socket is down: alerts go through the Web API all the same.
    await bot.channel.send({ ...critical(), title: 'During the reconnect' }, signal());
    await fake.waitForConnection();
    const afterDisconnect = await fake.sendSlashCommand({ text: 'status', userId: MEMBER });
    await fake.dropSocket();
    await bot.channel.send({ ...critical(), title: 'After a drop' }, signal());
    await fake.waitForConnection();
    const afterDrop = await fake.sendSlashCommand({ text: 'status', userId: MEMBER });
    await fake.waitForResponse(afterDrop);

    expect(afterDisconnect.ack).toEqual({});
    expect(afterDrop.ack).toEqual({});
    expect(fake.messagesIn(ALERTS).map((message) => message.text)).toEqual([expect.stringContaining('During the reconnect'), expect.stringContaining('After a drop')]);
    expect(fake.socketStats).toMatchObject({ connections: 3, disconnectsSent: 1 });
    expect(states).toContain('disconnected');
    await expect.poll(() => bot.state).toBe('connected');
  });

  it('keeps trying when Slack fails to hand out a socket during a reconnect, without an unhandled rejection', async () => {
    const fake = await startFake();
    const { bot, log } = await startBot(socketConfig(fake));
    fake.failNext('apps.connections.open', { status: 503 }, 3);

    await fake.dropSocket();
    await fake.waitForConnection(5_000);
    const record = await fake.sendSlashCommand({ text: 'status', userId: MEMBER });

    expect(record.ack).toEqual({});
    expect(fake.calls.filter((call) => call.method === 'apps.connections.open').map((call) => call.status)).toEqual([200, 503, 503, 503, 200]);
    expect(log.lines.some((line) => line.includes('slack bot cannot connect; will try again'))).toBe(true);
    await expect.poll(() => bot.state).toBe('connected');
    expect(bot.problem).toBeNull();
  });

  it('reports an app token revoked while running as failed, without an unhandled rejection', async () => {
    const fake = await startFake();
    const { bot, reported } = await startBot(socketConfig(fake));
    fake.failNext('apps.connections.open', { error: 'invalid_auth' }, 100);

    await fake.dropSocket();
    await expect.poll(() => bot.state, { timeout: 3_000 }).toBe('failed');

    expect(bot.problem).toBe('Slack refused SLACK_APP_TOKEN (invalid_auth)');
    expect(reported).toEqual([{ code: 'app-token-refused', message: 'Slack refused SLACK_APP_TOKEN (invalid_auth)', fix: expect.stringContaining('connections:write') }]);
    await bot.channel.send(critical(), signal()); // alerts still go out
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
  });

  it('fails clearly, without throwing, on a bad bot token', async () => {
    const fake = await startFake();
    const { bot, reported, log } = await startBot(socketConfig(fake, { botToken: 'xoxb-wrong-token-for-this-test' }));

    expect(bot.state).toBe('failed');
    expect(bot.problem).toBe('Slack refused SLACK_BOT_TOKEN (invalid_auth)');
    expect(reported).toEqual([{ code: 'token-refused', message: 'Slack refused SLACK_BOT_TOKEN (invalid_auth)', fix: expect.stringContaining('update SLACK_BOT_TOKEN') }]);
    expect(fake.calls.map((call) => call.method)).toEqual(['auth.test']); // no socket, no channel lookup
    expect(log.lines.join('\n')).not.toContain('xoxb-wrong-token-for-this-test');
    await expect(bot.channel.send(critical(), signal())).rejects.toMatchObject({ kind: 'permanent', code: 'invalid_auth' });
  });

  it('fails clearly, without throwing, on a bad app token; the alert channel keeps working', async () => {
    const fake = await startFake();
    const { bot, reported } = await startBot(socketConfig(fake, { mode: { kind: 'socket', appToken: 'xapp-wrong-app-token' } }));

    await bot.channel.send(critical(), signal());

    expect(bot.state).toBe('failed');
    expect(bot.problem).toBe('Slack refused SLACK_APP_TOKEN (invalid_auth)');
    expect(reported.map((problem) => problem.code)).toEqual(['app-token-refused']);
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
  });

  it('retries when Slack is unreachable at start-up and connects once it answers', async () => {
    const fake = await startFake();
    // The WebClient tries each call 3 times (2 retries): the first start fails, the second works.
    fake.failNext('auth.test', { status: 503 }, 3);
    const { bot, states, problems } = await startBot(socketConfig(fake));

    expect(bot.state).toBe('disconnected');
    expect(bot.problem).toMatch(/^Slack is unreachable \(HTTP 503\); trying again in \d+ s$/);
    await expect.poll(() => bot.state, { timeout: 3_000 }).toBe('connected');
    expect(bot.problem).toBeNull();
    expect(problems).toEqual([]); // a passing outage is not a problem to publish
    expect(states).toEqual(['disconnected', 'connecting', 'connected']); // it starts as 'connecting'
    expect(fake.calls.filter((call) => call.method === 'auth.test').map((call) => call.status)).toEqual([503, 503, 503, 200]);
  });

  it('is built without the network (for the dispatcher routes), then started once however often start() is called', async () => {
    const fake = await startFake();
    const { logger } = captureLogger();
    const bot = createSlackBot({ config: socketConfig(fake), handler: new HandlerDouble(), logger, testOptions: FAST });
    cleanups.push(() => bot.stop());

    const before = { state: bot.state, calls: fake.calls.length, id: bot.channel.id };
    await Promise.all([bot.start(), bot.start()]);
    await bot.start();

    expect(before).toEqual({ state: 'connecting', calls: 0, id: expect.stringMatching(/^slack-bot-/) });
    expect(bot.state).toBe('connected');
    expect(fake.calls.filter((call) => call.method === 'auth.test')).toHaveLength(1);
    expect(fake.socketStats.connections).toBe(1);
  });

  it('leaves no socket open when stopped in the middle of starting', async () => {
    const fake = await startFake();
    const { logger } = captureLogger();
    const bot = createSlackBot({ config: socketConfig(fake), handler: new HandlerDouble(), logger, testOptions: FAST });

    const starting = bot.start();
    await fake.waitForCall('auth.test');
    await bot.stop();
    await starting;
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(bot.state).toBe('disconnected');
    expect(fake.connected).toBe(false);
  });

  it('reports an unreachable Slack once it lasts (3 attempts), once, and connects when it answers', async () => {
    const fake = await startFake();
    fake.failNext('auth.test', { status: 503 }, 9); // 3 attempts of 3 calls each
    const { bot, reported } = await startBot(socketConfig(fake));

    await expect.poll(() => bot.state, { timeout: 5_000 }).toBe('connected');

    expect(reported).toEqual([{ code: 'unreachable', message: 'Slack cannot be reached', fix: expect.stringContaining('last error: HTTP 503') }]);
    expect(fake.calls.filter((call) => call.method === 'auth.test').map((call) => call.status)).toEqual([...Array<number>(9).fill(503), 200]);
  });

  it('stops cleanly: the socket is closed and it does not reconnect', async () => {
    const fake = await startFake();
    const { bot } = await startBot(socketConfig(fake));

    await bot.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(bot.state).toBe('disconnected');
    expect(fake.connected).toBe(false);
    expect(fake.socketStats.connections).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP mode
// ---------------------------------------------------------------------------------------------

describe('Slack bot: HTTP mode', () => {
  it('rejects a bad signature with 401 and runs nothing; a signed command is handled', async () => {
    const fake = await startFake();
    const handler = new HandlerDouble();
    const { bot } = await startBot(httpConfig(fake), handler);
    const url = `http://127.0.0.1:${bot.port}/slack/events`;

    const wrong = await fake.postSlashCommand(url, 'not-the-signing-secret', { text: 'book 2026-12-01', userId: OWNER });
    const stale = await fake.postSlashCommand(url, SIGNING_SECRET, { text: 'book 2026-12-01', userId: OWNER }, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const tampered = await fake.postSlashCommand(url, SIGNING_SECRET, { text: 'status', userId: OWNER }, { tamper: (body) => body.replace('status', 'book') });
    const unsigned = await signedRequest(url, 'command=%2Foneflex&text=book', SIGNING_SECRET, { headers: { 'X-Slack-Signature': '' } });
    const runsBefore = handler.runs.length;
    const good = await fake.postSlashCommand(url, SIGNING_SECRET, { text: 'book 2026-12-01', userId: OWNER });
    await fake.waitForResponse(good.record);

    expect(bot.state).toBe('connected');
    expect(bot.port).toBeGreaterThan(0);
    expect([wrong.response.status, stale.response.status, tampered.response.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    expect(runsBefore).toBe(0);
    expect(good.response.status).toBe(200);
    expect(handler.runs.map((run) => run.command)).toEqual(['book']);
    expect(good.record.responses[0]!.body).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('Booking: 1 booked') });
    expect(fake.socketStats.ticketsIssued).toBe(0); // no Socket Mode in HTTP mode
  });

  it('reports a port already in use as failed, without throwing', async () => {
    const fake = await startFake();
    const { bot: first } = await startBot(httpConfig(fake));
    const { bot, problems } = await startBot(httpConfig(fake, { mode: { kind: 'http', signingSecret: SIGNING_SECRET, port: first.port! } }));

    expect(bot.state).toBe('failed');
    expect(problems).toEqual([`Slack HTTP mode cannot listen on SLACK_PORT ${first.port} (already in use): choose another SLACK_PORT (or stop what uses it)`]);
  });
});

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

describe('Slack bot: secrets', () => {
  it('never writes a token, the signing secret or a form value into a frame, a body or a log line', async () => {
    const fake = await startFake();
    const handler = new HandlerDouble();
    const socket = await startBot(socketConfig(fake), handler);
    const http = await startBot(httpConfig(fake), handler);

    // A session touching every path: commands, the form, an exception, an alert, a reconnect.
    for (const text of ['status', 'book 2026-12-01', 'boom', 'dance']) await fake.waitForResponse(await fake.sendSlashCommand({ text, userId: OWNER }));
    await fake.sendSlashCommand({ text: 'token', userId: OWNER });
    await fake.waitForCall('views.open');
    await fake.submitView({ userId: OWNER, callbackId: 'oneflex-token', fields: { access: FORM_ACCESS, refresh: FORM_REFRESH } });
    await expect.poll(() => fake.ephemerals.length).toBe(1);
    await socket.bot.channel.send(critical(), signal());
    await fake.disconnect();
    await fake.waitForConnection();
    const signed = await fake.postSlashCommand(`http://127.0.0.1:${http.bot.port}/slack/events`, SIGNING_SECRET, { text: 'status', userId: OWNER });
    await fake.waitForResponse(signed.record);

    const output = `${fake.appOutput()}\n${socket.log.lines.join('\n')}\n${http.log.lines.join('\n')}`;
    expect(socket.log.lines.length).toBeGreaterThan(20); // debug level: Bolt's own lines are in there
    for (const secret of [fake.botToken, fake.appToken, SIGNING_SECRET, FORM_ACCESS, FORM_REFRESH]) {
      expect(output.split(secret).length - 1, `occurrences of ${secret.slice(0, 8)}…`).toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Latency
// ---------------------------------------------------------------------------------------------

describe('Slack bot: latency', () => {
  it('acks and answers 200 slash commands well within the 3-second deadline', async () => {
    const fake = await startFake();
    await startBot(socketConfig(fake));
    const acks: number[] = [];
    const answers: number[] = [];

    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const record: SlashCommandRecord = await fake.sendSlashCommand({ text: 'status', userId: MEMBER });
      acks.push(record.ackedAt! - record.deliveredAt);
      await fake.waitForResponse(record);
      answers.push(performance.now() - started);
    }

    const figures = {
      ackP50: percentile(acks, 50).toFixed(2),
      ackP99: percentile(acks, 99).toFixed(2),
      answerP50: percentile(answers, 50).toFixed(2),
      answerP99: percentile(answers, 99).toFixed(2),
    };
    console.info(`slack /oneflex over Socket Mode, 200 commands (ms): ${JSON.stringify(figures)}`);
    expect(percentile(acks, 99)).toBeLessThan(150);
    expect(percentile(answers, 99)).toBeLessThan(500);
  });
});

// ---------------------------------------------------------------------------------------------
// With the real handler over a OneFlex sandbox
// ---------------------------------------------------------------------------------------------

describe('Slack bot: with the real command handler', () => {
  async function startReal(env: Record<string, string> = {}, tokens?: HarnessOptions['tokens']) {
    const harness = await startHarness({ env: { BOT_OWNER_SLACK_ID: OWNER, BOT_LOCALE: 'en', ...env }, ...(tokens ? { tokens } : {}) });
    cleanups.push(() => harness.close());
    const fake = await startFake();
    const handler = createChatCommandHandler({ app: harness.app, config: harness.app.config, logger: harness.app.logger });
    const started = await startBot(socketConfig(fake), handler);
    return { harness, fake, ...started };
  }

  it('stores the tokens of the form end to end, answers privately who they belong to, and never echoes them', async () => {
    const { harness, fake, log } = await startReal({}, (sandbox) => sandbox.issueTokens(USER, { accessTtlSeconds: -60 }));
    harness.sandbox.revokeRefreshTokens(USER);
    await harness.app.tokens.refresh().catch(() => undefined); // the refresh is refused: an incident opens
    const incidentBefore = harness.app.tokens.incidentOpen;
    const fresh = harness.sandbox.issueTokens(USER);

    await fake.sendSlashCommand({ text: 'token', userId: OWNER });
    await fake.waitForCall('views.open');
    await fake.submitView({ userId: OWNER, callbackId: 'oneflex-token', fields: { access: fresh.accessToken, refresh: fresh.refreshToken } });
    await expect.poll(() => fake.ephemerals.length, { timeout: 5_000 }).toBe(1);

    expect(incidentBefore).toBe(true);
    expect(harness.app.tokens.incidentOpen).toBe(false);
    expect(await harness.app.tokens.getAccessToken()).toBe(fresh.accessToken);
    expect(fake.ephemerals[0]).toMatchObject({ channel: ALERTS, user: OWNER, text: expect.stringContaining('alice@example.com') });
    const output = `${fake.appOutput()}\n${log.lines.join('\n')}\n${harness.log.lines.join('\n')}`;
    expect(output).not.toContain(fresh.accessToken);
    expect(output).not.toContain(fresh.refreshToken);
  });

  it('refuses the token form and booking to a user who is not an admin, privately', async () => {
    const { fake } = await startReal();

    const token = await fake.sendSlashCommand({ text: 'token', userId: MEMBER });
    const book = await fake.sendSlashCommand({ text: `book ${nextWeekdays(1)[0]}`, userId: MEMBER });
    await fake.waitForResponse(token);
    await fake.waitForResponse(book);

    expect(fake.calls.some((call) => call.method === 'views.open')).toBe(false);
    for (const record of [token, book]) {
      expect(record.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Not allowed') });
    }
  });

  it('books a date for an admin and shows the result in the channel; bad input gets a private example', async () => {
    const { fake, harness } = await startReal({ BOT_ADMIN_IDS: MEMBER });
    const date = nextWeekdays(2)[1]!;

    const book = await fake.sendSlashCommand({ text: `book ${date}`, userId: MEMBER });
    await fake.waitForResponse(book, 1, 5_000);
    const bad = await fake.sendSlashCommand({ text: 'book 2026-02-30', userId: OWNER });
    await fake.waitForResponse(bad, 1, 5_000);

    expect(book.responses[0]!.body).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('Booking') });
    expect(JSON.stringify(book.responses[0]!.body.attachments)).toContain('A-01');
    expect(harness.sandbox).toBeDefined();
    expect(bad.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('2026-02-30') });
  });

  it('acks 200 status commands with the real handler within the deadline (latency figures)', async () => {
    const { fake } = await startReal();
    const acks: number[] = [];
    const answers: number[] = [];

    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const record = await fake.sendSlashCommand({ text: 'status', userId: MEMBER });
      acks.push(record.ackedAt! - record.deliveredAt);
      await fake.waitForResponse(record);
      answers.push(performance.now() - started);
    }

    console.info(
      `slack /oneflex status with the real handler, 200 commands (ms): ack p50 ${percentile(acks, 50).toFixed(2)} p99 ${percentile(acks, 99).toFixed(2)}; answer p50 ${percentile(answers, 50).toFixed(2)} p99 ${percentile(answers, 99).toFixed(2)}`,
    );
    expect(percentile(acks, 99)).toBeLessThan(150);
  });

  it('posts a composed event into the alert channel, mentioning the owner for token-expired', async () => {
    const { fake, bot, harness } = await startReal();
    const event = createEvent('token-expired', { error: 'OneFlex refused the refresh token', reason: 'refresh-refused', incidentId: 'i-1' }, harness.app.clock);

    await bot.channel.send(buildMessage(event, { locale: 'en', timeZone: 'Europe/Paris' }), signal());

    const [posted] = fake.messagesIn(ALERTS);
    expect(posted?.text).toMatch(new RegExp(`^<@${OWNER}> `));
    expect(posted?.blocks?.length).toBeGreaterThan(0);
  });
});

describe('SlackBotChannel on its own', () => {
  it('maps a 5xx and an unreachable Slack to temporary failures', async () => {
    const fake = await startFake();
    const { logger } = captureLogger();
    const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: createBoltLogger(logger) });
    const channel = new SlackBotChannel({ client, botToken: fake.botToken, alertChannel: 'oneflex-alerts', logger });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = new SlackBotChannel({
      client: new webApi.WebClient(fake.botToken, { slackApiUrl: `http://127.0.0.1:${closedPort}/api/`, retryConfig: { retries: 0 }, logger: createBoltLogger(logger) }),
      botToken: fake.botToken,
      alertChannel: 'oneflex-alerts',
      logger,
    });
    fake.failNext('chat.postMessage', { status: 503 });

    const serverError = await channel.send(critical(), signal()).catch((e: unknown) => e);
    const unreachable = await nowhere.send(critical(), signal()).catch((e: unknown) => e);
    const aborted = await channel.send(critical(), AbortSignal.abort(new Error('stopping'))).catch((e: unknown) => e);

    expect(serverError).toMatchObject({ kind: 'temporary', code: 'server_error', status: 503 });
    expect(unreachable).toMatchObject({ kind: 'temporary', code: 'network', message: 'Slack unreachable (ECONNREFUSED)' });
    expect(aborted).toMatchObject({ kind: 'temporary' });
  });
});
