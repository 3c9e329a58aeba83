/**
 * The Discord adapter (src/chat/discord) driving the real discord.js against the fake Discord on
 * 127.0.0.1: registration, interactions (deferrals, privacy, the token modal, failures), the alert
 * channel as a notification channel (429, 403, 404, 5xx), resume after a dropped gateway, a
 * refused token, and no secret in anything the bot sent or logged.
 *
 * The first half uses a scripted ChatCommandHandler (the adapter's mechanics, each case on
 * purpose); the second half the real handler over a OneFlex sandbox.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChatCommandHandler } from '../../src/chat/handler.js';
import type { ChatArgs, ChatCommandHandler, ChatCommandSpec, ChatInvoker, ChatReply } from '../../src/chat/contract.js';
import { DiscordBot, startDiscordBot, type DiscordBotProblem, type StartDiscordBotOptions } from '../../src/chat/discord/bot.js';
import type { InteractionTiming } from '../../src/chat/discord/interactions.js';
import type { DiscordConfig } from '../../src/config/config.js';
import type { Locale } from '../../src/i18n.js';
import { LineCollector, createLogger, type Logger } from '../../src/logger.js';
import { DeliveryError } from '../../src/notify/channel.js';
import type { NotificationMessage } from '../../src/notify/message.js';
import { SecretRegistry } from '../../src/secrets.js';
import {
  ADMIN_PERMISSIONS,
  DISCORD_DEFAULTS,
  EPHEMERAL,
  FakeDiscord,
  InteractionCallbackType,
  OptionType,
  Permission,
  type FakeDiscordOptions,
  type InteractionRecord,
} from '../support/fake-discord.js';
import { USER, nextWeekdays, startHarness, type Harness } from '../support/harness.js';
import { runCleanups, type Cleanup } from '../support/cleanups.js';

const OWNER = DISCORD_DEFAULTS.ownerId;
const MEMBER = DISCORD_DEFAULTS.memberId;
const ALERTS = DISCORD_DEFAULTS.alertChannelId;
/** What a user pastes in the token form: must never leave in a REST body, a frame or a log line. */
const FORM_ACCESS = 'access-FORM-SECRET-4d1f0c9a7b';
const FORM_REFRESH = 'refresh-FORM-SECRET-92be55e013';

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

const cleanups: Cleanup[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  const failures = await runCleanups(cleanups);
  expect(unhandled.splice(0)).toEqual([]);
  if (failures.length > 0) throw failures[0];
});

/** A logger that writes every line unscrubbed: a secret in it is the adapter's fault, not hidden by the scrubber. */
function rawLogger(): { logger: Logger; lines: string[] } {
  const stream = new LineCollector();
  return { logger: createLogger({ level: 'debug', format: 'json', secrets: new SecretRegistry([]), stream }), lines: stream.lines };
}

async function startFake(options?: FakeDiscordOptions, { memberAllowed = true } = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.start();
  // The member without Manage Server sees /oneflex only because an admin allowed them in Integrations.
  if (memberAllowed) fake.grantCommandAccess(MEMBER);
  cleanups.push(() => fake.stop());
  // Every route the adapter used must be one the fake knows (else the test proves nothing).
  cleanups.push(() => expect(fake.unknownRoutes.map((request) => `${request.method} ${request.route}`)).toEqual([]));
  return fake;
}

interface Started {
  readonly bot: DiscordBot;
  readonly lines: string[];
  readonly problems: DiscordBotProblem[];
  readonly timings: InteractionTiming[];
}

function botOptions(fake: FakeDiscord, handler: ChatCommandHandler, overrides: Partial<DiscordConfig> = {}, logger?: Logger) {
  const log = logger ? { logger, lines: [] as string[] } : rawLogger();
  const problems: DiscordBotProblem[] = [];
  const timings: InteractionTiming[] = [];
  const options: StartDiscordBotOptions = {
    config: { token: fake.token, guildIds: [DISCORD_DEFAULTS.guildId], alertChannel: 'oneflex-alerts', apiUrl: fake.apiUrl, ownerId: OWNER, ...overrides },
    handler,
    logger: log.logger,
    onProblem: (problem) => problems.push(problem),
    onInteractionTiming: (timing) => timings.push(timing),
    clientOptions: {
      restGlobalRequestsPerSecond: 10_000,
      identifyThrottler: { waitForIdentify: async () => undefined },
      loginRetryDelaysMs: [20],
      startTimeoutMs: 5_000,
      stopTimeoutMs: 2_000,
    },
  };
  return { options, lines: log.lines, problems, timings };
}

async function startBot(fake: FakeDiscord, handler: ChatCommandHandler, overrides: Partial<DiscordConfig> = {}, logger?: Logger): Promise<Started> {
  const { options, lines, problems, timings } = botOptions(fake, handler, overrides, logger);
  const bot = await startDiscordBot(options);
  cleanups.push(() => bot.stop());
  return { bot, lines, problems, timings };
}

function sampleMessage(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    eventId: 'evt-1',
    eventType: 'booking-success',
    severity: 'success',
    test: false,
    timestamp: '2026-06-01T07:00:00.000Z',
    title: '✅ Desk booked',
    text: 'A-01 is yours on 2026-06-08.',
    fields: [{ name: 'Date', value: '2026-06-08', inline: true }],
    actions: [],
    mentionOwner: false,
    footer: 'oneflex-bot',
    ...overrides,
  };
}

const signal = () => AbortSignal.timeout(5_000);

// ---------------------------------------------------------------------------------------------
// A scripted handler: what each subcommand answers is fixed, every call is recorded
// ---------------------------------------------------------------------------------------------

const both = (text: string): Readonly<Record<Locale, string>> => ({ fr: `${text} (fr)`, en: text });

const SPECS: readonly ChatCommandSpec[] = [
  {
    name: 'book',
    description: both('Book now'),
    options: [
      { name: 'date', type: 'date', description: both('Date to book') },
      { name: 'force', type: 'boolean', description: both('Book even on a vacation') },
      { name: 'weeks', type: 'integer', min: 1, max: 52, description: both('Weeks') },
    ],
    restricted: true,
    privateReply: false,
  },
  { name: 'show', description: both('Upcoming bookings'), options: [], restricted: false, privateReply: false },
  { name: 'status', description: both('Token and runs'), options: [], restricted: false, privateReply: true },
  {
    name: 'vacation',
    description: both('Vacations'),
    // The required option comes second here, as Slack users type it: Discord needs it first.
    options: [
      { name: 'start', type: 'date', description: both('First day (YYYY-MM-DD)') },
      { name: 'action', type: 'choice', required: true, choices: ['add', 'remove', 'list'], description: both('What to do') },
      { name: 'note', type: 'string', description: both('A note') },
    ],
    restricted: true,
    privateReply: false,
  },
  { name: 'boom', description: both('Throws'), options: [], restricted: false, privateReply: false },
  {
    name: 'token',
    description: both('New tokens'),
    options: [],
    restricted: true,
    privateReply: true,
    form: {
      id: 'oneflex-token',
      title: { fr: 'Nouveaux jetons OneFlex', en: 'New OneFlex tokens' },
      fields: [
        { id: 'access', label: { fr: 'Jeton d’accès', en: 'Access token' }, required: false },
        { id: 'refresh', label: { fr: 'Jeton de rafraîchissement', en: 'Refresh token' }, required: true },
      ],
    },
  },
];

class ScriptedHandler implements ChatCommandHandler {
  readonly specs = SPECS;
  readonly runs: { invoker: ChatInvoker; command: string; args: ChatArgs }[] = [];
  readonly submissions: { invoker: ChatInvoker; values: { access?: string | undefined; refresh?: string | undefined } }[] = [];
  /** Make mayRun itself throw (a handler bug before anything was answered). */
  mayRunThrows = false;

  localeFor(invoker: ChatInvoker): Locale {
    return invoker.locale?.startsWith('en') ? 'en' : 'fr';
  }

  mayRun(invoker: ChatInvoker, command: string): boolean {
    if (this.mayRunThrows) throw new Error('mayRun exploded');
    const spec = this.specs.find((candidate) => candidate.name === command);
    return !spec?.restricted || invoker.userId === OWNER;
  }

  async run(invoker: ChatInvoker, command: string, args: ChatArgs): Promise<ChatReply> {
    this.runs.push({ invoker, command, args });
    const spec = this.specs.find((candidate) => candidate.name === command);
    if (!spec) return { ephemeral: true, message: sampleMessage({ title: `Unknown command ${command}` }) };
    if (!this.mayRun(invoker, command)) return { ephemeral: true, message: sampleMessage({ title: 'Refused', severity: 'warning' }) };
    if (command === 'boom') throw new Error('kaboom in the handler');
    if (command === 'book' && args.date === '2026-02-30') {
      return { ephemeral: true, message: sampleMessage({ title: 'Bad date', text: "'2026-02-30' is not a date: expected YYYY-MM-DD, for example 2026-06-08" }) };
    }
    return { ephemeral: spec.privateReply, message: sampleMessage({ title: `${command} done` }) };
  }

  async submitTokens(invoker: ChatInvoker, values: { access?: string | undefined; refresh?: string | undefined }): Promise<ChatReply> {
    this.submissions.push({ invoker, values });
    return { ephemeral: true, message: sampleMessage({ title: 'Tokens stored', text: 'They belong to Alice Martin.' }) };
  }

  parseText(): { error: ChatReply } {
    return { error: { ephemeral: true, message: sampleMessage() } };
  }
}

function kinds(record: InteractionRecord): string[] {
  return record.responses.map((response) => (response.kind === 'callback' ? `callback:${response.type}` : response.kind));
}

// ---------------------------------------------------------------------------------------------
// Registration and start-up checks
// ---------------------------------------------------------------------------------------------

describe('Discord bot: start-up', () => {
  it('registers one /oneflex command with a subcommand per spec, typed options and French localizations', async () => {
    const fake = await startFake();
    const { bot, problems } = await startBot(fake, new ScriptedHandler());

    expect(bot.state).toBe('connected');
    expect(bot.problems).toEqual([]);
    expect(problems).toEqual([]);
    expect(fake.registrations).toHaveLength(1);
    expect(fake.registrations[0]?.guildId).toBe(DISCORD_DEFAULTS.guildId);
    const [command, ...others] = fake.registrations[0]?.payload as Record<string, unknown>[];
    expect(others).toEqual([]);
    expect(command).toMatchObject({ type: 1, name: 'oneflex', description: 'OneFlex desk booking', description_localizations: { fr: 'Réservation de bureau OneFlex' } });
    // Hidden (token included) from members without Manage Server, unless an admin allows them in Integrations.
    expect(command?.default_member_permissions).toBe(String(Permission.ManageGuild));
    const subs = command?.options as { type: number; name: string; description: string; description_localizations: { fr: string }; options: Record<string, unknown>[] }[];
    expect(subs.map((sub) => [sub.type, sub.name])).toEqual(SPECS.map((spec) => [OptionType.SubCommand, spec.name]));
    const book = subs.find((sub) => sub.name === 'book');
    expect(book?.description_localizations).toEqual({ fr: 'Book now (fr)' });
    expect(book?.options).toEqual([
      { type: OptionType.String, name: 'date', required: false, description: 'Date to book (YYYY-MM-DD)', description_localizations: { fr: 'Date to book (fr) (AAAA-MM-JJ)' } },
      { type: OptionType.Boolean, name: 'force', required: false, description: 'Book even on a vacation', description_localizations: { fr: 'Book even on a vacation (fr)' } },
      { type: OptionType.Integer, name: 'weeks', required: false, min_value: 1, max_value: 52, description: 'Weeks', description_localizations: { fr: 'Weeks (fr)' } },
    ]);
    const vacation = subs.find((sub) => sub.name === 'vacation');
    expect(vacation?.options.map((option) => [option.name, option.type, option.required])).toEqual([
      ['action', OptionType.String, true],
      ['start', OptionType.String, false],
      ['note', OptionType.String, false],
    ]);
    expect(vacation?.options[0]?.choices).toEqual(['add', 'remove', 'list'].map((value) => ({ name: value, value })));
    // The date already says its format: not repeated.
    expect(vacation?.options[1]?.description).toBe('First day (YYYY-MM-DD)');
    expect(fake.commands(DISCORD_DEFAULTS.guildId).map((stored) => stored.name)).toEqual(['oneflex']);
  });

  it('registers globally when no server is configured', async () => {
    const fake = await startFake();
    await startBot(fake, new ScriptedHandler(), { guildIds: [] });

    expect(fake.registrations.map((registration) => registration.guildId)).toEqual([null]);
    expect(fake.commands().map((stored) => stored.name)).toEqual(['oneflex']);
  });

  it('reports a missing alert channel as a problem at start-up, and refuses to post for good', async () => {
    const fake = await startFake({
      guilds: [{ id: DISCORD_DEFAULTS.guildId, name: 'Team', ownerId: OWNER, channels: [{ id: DISCORD_DEFAULTS.generalChannelId, name: 'general' }] }],
    });
    const { bot, problems, lines } = await startBot(fake, new ScriptedHandler());

    expect(bot.state).toBe('connected');
    expect(problems).toEqual([expect.objectContaining({ code: 'alert-channel-missing', fix: expect.stringContaining('create a text channel #oneflex-alerts') })]);
    expect(bot.problems).toEqual([expect.stringMatching(/alert channel #oneflex-alerts was not found in "Team"/)]);
    expect(bot.problem).toBe(bot.problems[0]);
    expect(lines.filter((line) => line.includes('"level":"error"') && line.includes('oneflex-alerts'))).toHaveLength(1);
    const sending = bot.channel.send(sampleMessage(), signal());
    await expect(sending).rejects.toBeInstanceOf(DeliveryError);
    await expect(sending).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('#oneflex-alerts') });
  });

  it('reports missing permissions in the alert channel, and a server the bot is not in', async () => {
    const fake = await startFake({
      guilds: [
        {
          id: DISCORD_DEFAULTS.guildId,
          name: 'Team',
          ownerId: OWNER,
          channels: [{ id: ALERTS, name: 'oneflex-alerts', botCanPost: false }],
        },
      ],
    });
    const { bot, problems } = await startBot(fake, new ScriptedHandler(), { guildIds: [DISCORD_DEFAULTS.guildId, '2000000000000000999'] });

    expect(problems.map((problem) => problem.code).sort()).toEqual(['alert-channel-permissions', 'guild-missing']);
    expect(fake.registrations.map((registration) => registration.guildId)).toEqual([DISCORD_DEFAULTS.guildId]);
    expect(problems.find((problem) => problem.code === 'alert-channel-permissions')).toMatchObject({
      message: 'the bot lacks Send Messages in #oneflex-alerts ("Team")',
      fix: expect.stringContaining('Send Messages and Embed Links'),
    });
    expect(bot.problems).toHaveLength(2);
    // The channel itself was found: posting is tried, and Discord's 403 is permanent with the fix.
    const sending = bot.channel.send(sampleMessage(), signal());
    await expect(sending).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringMatching(/50013.*Send Messages and Embed Links in #oneflex-alerts/) });

    // Fixed in Discord while running: the problem goes away on the CHANNEL_UPDATE.
    fake.setBotCanPost(ALERTS, true);
    await expect.poll(() => bot.problemDetails.map((problem) => problem.code)).toEqual(['guild-missing']);
    await bot.channel.send(sampleMessage(), signal());
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
  });

  it('reports a refused registration with how to fix it, and still serves the alert channel', async () => {
    const fake = await startFake();
    fake.failNext({ method: 'PUT', route: /\/commands$/ }, { status: 403, body: { message: 'Missing Access', code: 50001 } });
    const { bot, problems } = await startBot(fake, new ScriptedHandler());

    expect(problems).toEqual([expect.objectContaining({ code: 'registration-failed', fix: expect.stringContaining('applications.commands') })]);
    expect(bot.state).toBe('connected');
    await bot.channel.send(sampleMessage(), signal());
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
  });

  it('finds the alert channel by id as well as by name', async () => {
    const fake = await startFake();
    const { bot, problems } = await startBot(fake, new ScriptedHandler(), { alertChannel: DISCORD_DEFAULTS.generalChannelId });

    expect(problems).toEqual([]);
    expect(bot.alertChannelId).toBe(DISCORD_DEFAULTS.generalChannelId);
    await bot.channel.send(sampleMessage(), signal());
    expect(fake.messagesIn(DISCORD_DEFAULTS.generalChannelId)).toHaveLength(1);
  });

  it('does not throw on a refused token: the bot is failed, says why, and its channel fails permanently', async () => {
    const fake = await startFake();
    const { options, problems, lines } = botOptions(fake, new ScriptedHandler(), { token: 'not-the-right-token-7f3e' });

    const bot = await startDiscordBot(options);
    cleanups.push(() => bot.stop());

    expect(bot.state).toBe('failed');
    expect(bot.problem).toMatch(/^Discord refused DISCORD_TOKEN \(401 Unauthorized\): copy the bot token again/);
    expect(problems).toEqual([expect.objectContaining({ code: 'token-refused' })]);
    await expect(bot.channel.send(sampleMessage(), signal())).rejects.toMatchObject({ kind: 'permanent' });
    expect(fake.requests.map((request) => [request.route, request.status])).toEqual([['/gateway/bot', 401]]);
    expect(lines.join('\n')).not.toContain('not-the-right-token-7f3e');
    await bot.stop();
    expect(bot.state).toBe('failed');
  });

  it('keeps trying when Discord cannot be reached at start-up, then connects', async () => {
    const fake = await startFake();
    // The REST client tries 4 times (1 + 3 retries) before login() gives up.
    fake.failNext({ method: 'GET', route: '/gateway/bot' }, { status: 502, body: { message: 'bad gateway' } }, 4);
    const { options } = botOptions(fake, new ScriptedHandler());

    const bot = await startDiscordBot({ ...options, clientOptions: { ...options.clientOptions, startTimeoutMs: 50 } });
    cleanups.push(() => bot.stop());

    expect(bot.state).not.toBe('connected');
    await expect.poll(() => bot.state, { timeout: 3_000 }).toBe('connected');
    await expect.poll(() => bot.alertChannelId).toBe(ALERTS);
    expect(bot.problems).toEqual([]);
    await bot.channel.send(sampleMessage(), signal());
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
  });

  it('answers "not connected yet" (temporary) before the first ready', async () => {
    const fake = await startFake();
    const { options } = botOptions(fake, new ScriptedHandler());
    const bot = new DiscordBot(options);

    await expect(bot.channel.send(sampleMessage(), signal())).rejects.toMatchObject({ kind: 'temporary', message: 'Discord not connected yet' });
    expect(bot.channel.id).toMatch(/^discord-bot-[0-9a-f]{12}$/);
    expect(bot.channel.label).toBe('discord bot #oneflex-alerts');
    expect(bot.channel.id).not.toBe(new DiscordBot({ ...options, config: { ...options.config, alertChannel: 'other' } }).channel.id);
  });

  it('stops promptly even in the middle of connecting, and does not reconnect afterwards', async () => {
    const fake = await startFake();
    const { options } = botOptions(fake, new ScriptedHandler());
    const bot = new DiscordBot(options);

    const starting = bot.start();
    await fake.waitForGateway('ready');
    const began = Date.now();
    await bot.stop();
    await starting;

    expect(Date.now() - began).toBeLessThan(2_500);
    expect(bot.state).toBe('disconnected');
    const connections = fake.gatewayStats.connections;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(fake.gatewayStats.connections).toBe(connections);
    expect(fake.connected).toBe(false);
  });

  it('stops promptly while the gateway is resuming, and stays stopped', async () => {
    const fake = await startFake();
    const { bot } = await startBot(fake, new ScriptedHandler());

    await fake.closeGateway(4000);
    const began = Date.now();
    await bot.stop();

    expect(Date.now() - began).toBeLessThan(2_000);
    const connections = fake.gatewayStats.connections;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(fake.gatewayStats.connections).toBe(connections);
    expect(fake.connected).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

describe('Discord bot: /oneflex interactions', () => {
  it('defers publicly at once, runs the command with typed options, and edits in the embed', async () => {
    const fake = await startFake();
    const handler = new ScriptedHandler();
    await startBot(fake, handler);

    const record = await fake.sendCommand({ userId: OWNER, subcommand: 'book', options: { date: '2026-06-08', force: true, weeks: 2 }, locale: 'fr' });
    await fake.waitForResponses(record.id, 2);

    expect(kinds(record)).toEqual([`callback:${InteractionCallbackType.DeferredChannelMessageWithSource}`, 'edit']);
    expect(record.callback?.data?.flags ?? 0).toBe(0);
    expect(record.original?.flags).toBe(0);
    expect(record.original?.embeds[0]).toMatchObject({ title: 'book done', description: 'A-01 is yours on 2026-06-08.', fields: [{ name: 'Date', value: '2026-06-08', inline: true }] });
    expect(record.original?.sent.allowed_mentions).toEqual({ parse: [] });
    expect(handler.runs).toEqual([{ invoker: { platform: 'discord', userId: OWNER, locale: 'fr' }, command: 'book', args: { date: '2026-06-08', force: true, weeks: 2 } }]);
  });

  it('is hidden from a member without Manage Server until an admin allows them in Integrations', async () => {
    const fake = await startFake(undefined, { memberAllowed: false });
    const handler = new ScriptedHandler();
    await startBot(fake, handler);

    await expect(fake.sendCommand({ userId: MEMBER, subcommand: 'token' })).rejects.toThrow(/hidden from user/);
    fake.grantCommandAccess(MEMBER);
    const record = await fake.sendCommand({ userId: MEMBER, subcommand: 'status' });
    await fake.waitForResponses(record.id, 2);
    expect(handler.runs.map((run) => run.command)).toEqual(['status']);
  });

  it('defers privately for a private command', async () => {
    const fake = await startFake();
    await startBot(fake, new ScriptedHandler());

    const record = await fake.sendCommand({ userId: MEMBER, subcommand: 'status' });
    await fake.waitForResponses(record.id, 2);

    expect(record.callback).toEqual({ type: InteractionCallbackType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } });
    expect(record.original).toMatchObject({ flags: EPHEMERAL, embeds: [expect.objectContaining({ title: 'status done' })] });
  });

  it('refuses a restricted command privately (decided before deferring), through the handler', async () => {
    const fake = await startFake();
    const handler = new ScriptedHandler();
    await startBot(fake, handler);

    const record = await fake.sendCommand({ userId: MEMBER, subcommand: 'book' });
    await fake.waitForResponses(record.id, 2);

    expect(record.callback?.data).toEqual({ flags: EPHEMERAL });
    expect(record.original).toMatchObject({ flags: EPHEMERAL, embeds: [expect.objectContaining({ title: 'Refused' })] });
    expect(handler.runs.map((run) => run.command)).toEqual(['book']);
  });

  it('answers bad input privately after a public deferral: the public placeholder is deleted first', async () => {
    const fake = await startFake();
    await startBot(fake, new ScriptedHandler());

    const record = await fake.sendCommand({ userId: OWNER, subcommand: 'book', options: { date: '2026-02-30' } });
    await fake.waitForResponses(record.id, 3);

    expect(kinds(record)).toEqual([`callback:${InteractionCallbackType.DeferredChannelMessageWithSource}`, 'delete', 'followup']);
    expect(record.original).toBeNull();
    expect(record.followUps).toEqual([expect.objectContaining({ flags: EPHEMERAL, embeds: [expect.objectContaining({ title: 'Bad date' })] })]);
  });

  it('shows the token modal as the first response, and hands its values to submitTokens privately', async () => {
    const fake = await startFake();
    const handler = new ScriptedHandler();
    const { lines } = await startBot(fake, handler);

    const command = await fake.sendCommand({ userId: OWNER, subcommand: 'token', locale: 'fr' });
    expect(kinds(command)).toEqual([`callback:${InteractionCallbackType.Modal}`]);
    expect(command.callback?.data).toEqual({
      custom_id: 'oneflex-token',
      title: 'Nouveaux jetons OneFlex',
      components: [
        { type: 18, label: 'Jeton d’accès', component: { type: 4, custom_id: 'access', style: 2, required: false, max_length: 4000 } },
        { type: 18, label: 'Jeton de rafraîchissement', component: { type: 4, custom_id: 'refresh', style: 2, required: true, max_length: 4000 } },
      ],
    });
    expect(handler.runs).toEqual([]);

    const submit = await fake.submitModal({ userId: OWNER, customId: 'oneflex-token', fields: { access: ` ${FORM_ACCESS} `, refresh: FORM_REFRESH }, locale: 'fr' });
    await fake.waitForResponses(submit.id, 2);

    expect(submit.callback).toEqual({ type: InteractionCallbackType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } });
    expect(submit.original).toMatchObject({ flags: EPHEMERAL, embeds: [expect.objectContaining({ title: 'Tokens stored' })] });
    expect(handler.submissions).toEqual([{ invoker: { platform: 'discord', userId: OWNER, locale: 'fr' }, values: { access: FORM_ACCESS, refresh: FORM_REFRESH } }]);
    const everything = `${fake.botOutput()}\n${lines.join('\n')}`;
    expect(everything).not.toContain(FORM_ACCESS);
    expect(everything).not.toContain(FORM_REFRESH);
  });

  it('does not show the token form to someone who may not use it', async () => {
    const fake = await startFake();
    const handler = new ScriptedHandler();
    await startBot(fake, handler);

    const record = await fake.sendCommand({ userId: MEMBER, subcommand: 'token', memberPermissions: ADMIN_PERMISSIONS });
    await fake.waitForResponses(record.id, 2);

    expect(kinds(record)).toEqual([`callback:${InteractionCallbackType.DeferredChannelMessageWithSource}`, 'edit']);
    expect(record.original).toMatchObject({ flags: EPHEMERAL, embeds: [expect.objectContaining({ title: 'Refused' })] });
  });

  it('turns an exception in the handler into a private answer with an error id, logged with the same id', async () => {
    const fake = await startFake();
    const handler = new ScriptedHandler();
    const { bot, lines } = await startBot(fake, handler);

    const record = await fake.sendCommand({ userId: MEMBER, subcommand: 'boom', locale: 'en-US' });
    await fake.waitForResponses(record.id, 3);

    expect(kinds(record)).toEqual([`callback:${InteractionCallbackType.DeferredChannelMessageWithSource}`, 'delete', 'followup']);
    const answer = record.followUps[0];
    expect(answer?.flags).toBe(EPHEMERAL);
    const errorId = /error ([0-9a-f]{8})/.exec(answer?.content ?? '')?.[1];
    expect(errorId).toBeDefined();
    const logged = lines.filter((line) => line.includes(`"errorId":"${errorId}"`));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('kaboom in the handler');
    expect(logged[0]).toContain('"command":"boom"');

    // Before anything was answered (mayRun itself throws): a private reply, and the bot lives on.
    handler.mayRunThrows = true;
    const early = await fake.sendCommand({ userId: MEMBER, subcommand: 'show', locale: 'fr' });
    expect(early.callback).toMatchObject({ type: InteractionCallbackType.ChannelMessageWithSource, data: { flags: EPHEMERAL, content: expect.stringMatching(/^Une erreur inattendue.*erreur [0-9a-f]{8}/) } });
    handler.mayRunThrows = false;
    const after = await fake.sendCommand({ userId: MEMBER, subcommand: 'show' });
    await fake.waitForResponses(after.id, 2);
    expect(after.original?.embeds[0]?.title).toBe('show done');
    expect(bot.state).toBe('connected');
  });

  it('hands an unknown subcommand (a stale registration) to the handler, privately', async () => {
    const fake = await startFake();
    const handler = new ScriptedHandler();
    await startBot(fake, handler);

    const record = await fake.sendCommand({ userId: MEMBER, subcommand: 'gone' });
    await fake.waitForResponses(record.id, 2);

    expect(record.original).toMatchObject({ flags: EPHEMERAL, embeds: [expect.objectContaining({ title: 'Unknown command gone' })] });
  });
});

// ---------------------------------------------------------------------------------------------
// The alert channel
// ---------------------------------------------------------------------------------------------

describe('Discord bot: alerts into #oneflex-alerts', () => {
  it('posts the rendered embed, and mentions only the owner, only when asked', async () => {
    const fake = await startFake();
    const { bot } = await startBot(fake, new ScriptedHandler());

    await bot.channel.send(sampleMessage(), signal());
    await bot.channel.send(sampleMessage({ eventType: 'token-expired', severity: 'critical', title: '⚠️ Token expired', mentionOwner: true }), signal());

    const [routine, critical] = fake.messagesIn(ALERTS);
    expect(routine?.embeds[0]).toMatchObject({ title: '✅ Desk booked', description: 'A-01 is yours on 2026-06-08.', footer: { text: 'oneflex-bot' } });
    expect(routine?.content).toBe('');
    expect(routine?.mentions).toEqual([]);
    expect(critical?.content).toBe(`<@${OWNER}>`);
    expect(critical?.mentions.map((user) => user.id)).toEqual([OWNER]);
    expect(critical?.sent.allowed_mentions).toEqual({ users: [OWNER] });
  });

  it('honours a 429 by waiting its Retry-After once (no second wait, no error)', async () => {
    const fake = await startFake();
    const { bot } = await startBot(fake, new ScriptedHandler());
    fake.rateLimitMessages({ times: 1, retryAfterSeconds: 0.2, channelId: ALERTS });

    const began = Date.now();
    const result = await bot.channel.send(sampleMessage(), signal());

    const posts = fake.requests.filter((request) => request.route === `/channels/${ALERTS}/messages`);
    expect(posts.map((request) => request.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(190);
    expect(Date.now() - began).toBeLessThan(1_500);
    expect(result).toEqual({});
    expect(fake.messagesIn(ALERTS)).toHaveLength(1);
  });

  it('hands a long rate limit back to the dispatcher as temporary, with its delay', async () => {
    const fake = await startFake();
    const { bot } = await startBot(fake, new ScriptedHandler());
    fake.rateLimitMessages({ times: 1, retryAfterSeconds: 30, channelId: ALERTS });

    const began = Date.now();
    const sending = bot.channel.send(sampleMessage(), signal());

    await expect(sending).rejects.toMatchObject({ kind: 'temporary', status: 429 });
    const error = (await sending.catch((caught: unknown) => caught)) as DeliveryError;
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(29_000);
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it.each([
    { what: '404 Unknown Channel', fault: { status: 404, body: { message: 'Unknown Channel', code: 10003 } }, times: 1, kind: 'permanent', text: /no longer exists/ },
    { what: '403 Missing Access', fault: { status: 403, body: { message: 'Missing Access', code: 50001 } }, times: 1, kind: 'permanent', text: /Send Messages and Embed Links in #oneflex-alerts/ },
    { what: '400 payload refused', fault: { status: 400, body: { message: 'Invalid Form Body', code: 50035 } }, times: 1, kind: 'permanent', text: /50035/ },
    { what: '503 after the REST retries', fault: { status: 503, body: { message: 'unavailable' } }, times: 4, kind: 'temporary', text: /503/ },
    { what: '401 (token reset while running)', fault: { status: 401, body: { message: '401: Unauthorized', code: 0 } }, times: 1, kind: 'permanent', text: /DISCORD_TOKEN/ },
  ])('classifies $what as $kind', async ({ fault, times, kind, text }) => {
    const fake = await startFake();
    const { bot } = await startBot(fake, new ScriptedHandler());
    fake.failNext({ method: 'POST', route: `/channels/${ALERTS}/messages` }, fault, times);

    const sending = bot.channel.send(sampleMessage(), signal());

    await expect(sending).rejects.toBeInstanceOf(DeliveryError);
    await expect(sending).rejects.toMatchObject({ kind, message: expect.stringMatching(text) });
  });

  it('resumes after close code 4000: a command sent meanwhile is answered, alerts go out during and after', async () => {
    const fake = await startFake();
    const { bot } = await startBot(fake, new ScriptedHandler());
    const resumed = fake.waitForGateway('resumed');

    await fake.closeGateway(4000);
    await expect.poll(() => bot.state).toBe('disconnected');
    // REST does not need the gateway: posting works while it reconnects.
    await bot.channel.send(sampleMessage({ title: 'during' }), signal());
    const missed = fake.sendCommand({ userId: MEMBER, subcommand: 'show' });
    await resumed;
    await expect.poll(() => bot.state).toBe('connected');
    await bot.channel.send(sampleMessage({ title: 'after' }), signal());
    const record = await missed;
    await fake.waitForResponses(record.id, 2);

    expect(record.original?.embeds[0]?.title).toBe('show done');
    expect(fake.messagesIn(ALERTS).map((message) => message.embeds[0]?.title)).toEqual(['during', 'after']);
    expect(fake.gatewayStats).toMatchObject({ identifies: 1, resumes: 1 });
    expect(fake.closes[0]).toMatchObject({ code: 4000, closedBy: 'fake' });
  });

  it('goes to failed with a clear problem when Discord closes with 4004', async () => {
    const fake = await startFake();
    const { bot, problems } = await startBot(fake, new ScriptedHandler());

    await fake.closeGateway(4004, 'Authentication failed.');

    await expect.poll(() => bot.state).toBe('failed');
    expect(problems).toEqual([expect.objectContaining({ code: 'token-refused', message: expect.stringContaining('4004') })]);
    await expect(bot.channel.send(sampleMessage(), signal())).rejects.toMatchObject({ kind: 'permanent' });
  });
});

// ---------------------------------------------------------------------------------------------
// No secret anywhere
// ---------------------------------------------------------------------------------------------

describe('Discord bot: secrets', () => {
  it('never sends or logs the bot token or a submitted token', async () => {
    const fake = await startFake();
    const handler = new ScriptedHandler();
    const { bot, lines } = await startBot(fake, handler);

    await fake.sendCommand({ userId: OWNER, subcommand: 'token' });
    const submit = await fake.submitModal({ userId: OWNER, customId: 'oneflex-token', fields: { access: FORM_ACCESS, refresh: FORM_REFRESH } });
    await fake.waitForResponses(submit.id, 2);
    const book = await fake.sendCommand({ userId: OWNER, subcommand: 'book', options: { date: '2026-06-08' } });
    await fake.waitForResponses(book.id, 2);
    await bot.channel.send(sampleMessage(), signal());
    await fake.closeGateway(4000);
    await fake.waitForGateway('resumed');
    await expect.poll(() => bot.state).toBe('connected');
    await bot.stop();

    // The identify and resume frames carry the bot token (the protocol); botOutput() masks them.
    const auth = fake.frames.filter((frame) => frame.direction === 'fromBot' && (frame.payload.op === 2 || frame.payload.op === 6));
    expect(auth.map((frame) => frame.payload.op)).toEqual([2, 6]);
    expect(auth.every((frame) => frame.raw.includes(fake.token))).toBe(true);
    const output = fake.botOutput();
    const logs = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [fake.token, FORM_ACCESS, FORM_REFRESH]) {
      expect(output).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    // …not even the token's first part (discord.js logs a "censored" token in its debug output).
    expect(logs).not.toContain(fake.token.split('.')[0]);
  });
});

// ---------------------------------------------------------------------------------------------
// With the real handler, over a OneFlex sandbox
// ---------------------------------------------------------------------------------------------

describe('Discord bot with the real command handler', () => {
  async function startReal(): Promise<{ fake: FakeDiscord; harness: Harness; bot: DiscordBot; lines: string[] }> {
    const fake = await startFake();
    const harness = await startHarness({
      env: {
        DISCORD_TOKEN: fake.token,
        DISCORD_GUILD_ID: DISCORD_DEFAULTS.guildId,
        DISCORD_API_URL: fake.apiUrl,
        BOT_OWNER_DISCORD_ID: OWNER,
        BOT_LOCALE: 'en',
      },
    });
    cleanups.push(() => harness.close());
    const { logger, lines } = rawLogger();
    const handler = createChatCommandHandler({ app: harness.app, config: harness.app.config, logger });
    const { bot } = await startBot(fake, handler, harness.app.config.discord ?? {}, logger);
    return { fake, harness, bot, lines };
  }

  it('registers every command of commands/ without a 400', async () => {
    const { fake, bot } = await startReal();

    expect(bot.problems).toEqual([]);
    const subs = (fake.commands(DISCORD_DEFAULTS.guildId)[0]?.options ?? []).map((option) => option.name);
    expect(subs).toEqual(expect.arrayContaining(['book', 'show', 'cancel', 'status', 'vacation', 'pause', 'resume', 'test-alert', 'token']));
  });

  it('books a date for the owner and shows the result publicly', async () => {
    const { fake } = await startReal();
    const [date] = nextWeekdays(1);

    const record = await fake.sendCommand({ userId: OWNER, subcommand: 'book', options: { date: date! } });
    await fake.waitForResponses(record.id, 2, 5_000);

    expect(record.original?.flags).toBe(0);
    expect(JSON.stringify(record.original?.embeds)).toContain(date);
  });

  it('refuses book to a member privately, and answers a bad date privately with an example', async () => {
    const { fake } = await startReal();

    const refused = await fake.sendCommand({ userId: MEMBER, subcommand: 'book' });
    await fake.waitForResponses(refused.id, 2);
    const bad = await fake.sendCommand({ userId: OWNER, subcommand: 'book', options: { date: '2026-02-30' } });
    await fake.waitForResponses(bad.id, 3);

    expect(refused.original?.flags).toBe(EPHEMERAL);
    expect(bad.followUps[0]?.flags).toBe(EPHEMERAL);
    expect(JSON.stringify(bad.followUps[0]?.embeds)).toMatch(/2026-02-30.*YYYY-MM-DD/);
  });

  it('takes new tokens through the modal, checks them, answers privately, and leaks them nowhere', async () => {
    const { fake, harness, lines } = await startReal();
    const fresh = harness.sandbox.issueTokens(USER);

    const command = await fake.sendCommand({ userId: OWNER, subcommand: 'token' });
    expect(command.callback?.type).toBe(InteractionCallbackType.Modal);
    const submit = await fake.submitModal({ userId: OWNER, customId: 'oneflex-token', fields: { access: fresh.accessToken, refresh: fresh.refreshToken } });
    await fake.waitForResponses(submit.id, 2, 5_000);

    expect(submit.original?.flags).toBe(EPHEMERAL);
    expect(JSON.stringify(submit.original?.embeds)).toContain('Alice');
    const everything = `${fake.botOutput()}\n${lines.join('\n')}`;
    for (const secret of [fake.token, fresh.accessToken, fresh.refreshToken]) expect(everything).not.toContain(secret);
  });
});

// ---------------------------------------------------------------------------------------------
// Latency (a quick check; `npm run bench` has the full measurement)
// ---------------------------------------------------------------------------------------------

describe('Discord bot: latency', () => {
  it('answers 200 commands with a first response well inside the 3-second deadline', async () => {
    const fake = await startFake();
    const { timings } = await startBot(fake, new ScriptedHandler());
    const latencies: number[] = [];

    for (let index = 0; index < 200; index += 1) {
      const record = await fake.sendCommand({ userId: MEMBER, subcommand: index % 2 === 0 ? 'show' : 'status' });
      latencies.push((record.firstResponseAt ?? Number.NaN) - record.dispatchedAt);
      await fake.waitForResponses(record.id, 2);
    }

    latencies.sort((a, b) => a - b);
    const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    const inside = timings.map((timing) => timing.firstResponseMs).sort((a, b) => a - b);
    console.log(
      `discord: 200 commands, dispatch → first callback p50 ${pick(0.5).toFixed(1)} ms, p99 ${pick(0.99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms; ` +
        `in the adapter p50 ${inside[100]!.toFixed(1)} ms`,
    );
    expect(pick(0.99)).toBeLessThan(1_000);
  });
});
