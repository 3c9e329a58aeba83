/**
 * The fake Discord and fake Slack servers, proven against the real discord.js and @slack/bolt: if
 * these pass, an adapter test that fails on the fakes fails because of the adapter. No project
 * code is involved here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  REST,
  Routes,
  TextInputBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type TextChannel,
} from 'discord.js';
import { App, LogLevel, SocketModeReceiver, type Logger } from '@slack/bolt';
import { DISCORD_DEFAULTS, EPHEMERAL, FakeDiscord, InteractionCallbackType } from '../support/fake-discord.js';
import { FakeSlack, SLACK_DEFAULTS, signedRequest } from '../support/fake-slack.js';
import { runCleanups, type Cleanup } from '../support/cleanups.js';

/** Run after each test, last registered first; every one runs even when another fails. */
const cleanups: Cleanup[] = [];
afterEach(async () => {
  const failures = await runCleanups(cleanups);
  if (failures.length > 0) throw failures[0];
});

// ---------------------------------------------------------------------------------------------
// Discord
// ---------------------------------------------------------------------------------------------

async function startDiscord(fake = new FakeDiscord()): Promise<{ fake: FakeDiscord; client: Client }> {
  const { apiUrl } = await fake.start();
  cleanups.push(() => fake.stop());
  // Every route discord.js used must be one the fake knows.
  cleanups.push(() => expect(fake.unknownRoutes.map((request) => `${request.method} ${request.route}`)).toEqual([]));
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: apiUrl, globalRequestsPerSecond: 1000 },
    // A re-identify otherwise waits ~5 s for the identify throttle.
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) },
  });
  cleanups.push(() => client.destroy());
  return { fake, client };
}

async function login(client: Client, token = DISCORD_DEFAULTS.token): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
}

/** Runs `handler` for every chat input command, reporting failures instead of losing them. */
function onCommand(client: Client, handler: (interaction: ChatInputCommandInteraction) => Promise<unknown>): unknown[] {
  const errors: unknown[] = [];
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (interaction.isChatInputCommand()) handler(interaction).catch((error: unknown) => errors.push(error));
  });
  return errors;
}

describe('FakeDiscord with discord.js', () => {
  it('logs in with the right token and sees the guild and its alert channel', async () => {
    const { fake, client } = await startDiscord();

    await login(client);

    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(DISCORD_DEFAULTS.guildId);
    const channel = guild?.channels.cache.find((candidate) => candidate.name === 'oneflex-alerts');
    expect(channel?.id).toBe(DISCORD_DEFAULTS.alertChannelId);
    expect(channel?.permissionsFor(client.user!)?.has('SendMessages')).toBe(true);
    const identify = fake.frames.find((frame) => frame.direction === 'fromBot' && frame.payload.op === 2);
    expect(identify?.payload.d).toMatchObject({ token: DISCORD_DEFAULTS.token, intents: GatewayIntentBits.Guilds });
  });

  it('rejects a wrong token with TokenInvalid after a 401 on GET /gateway/bot', async () => {
    const { fake, client } = await startDiscord();

    await expect(client.login('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });

    expect(fake.requests.map((request) => [request.route, request.status])).toEqual([['/gateway/bot', 401]]);
    expect(fake.requests[0]?.headers.authorization).toBe('Bot wrong-token');
  });

  it('stores a guild command registration and answers invalid ones with 400', async () => {
    const { fake, client } = await startDiscord();
    await login(client);
    const command = {
      name: 'oneflex',
      description: 'OneFlex desk booking',
      options: [{ type: 1, name: 'book', description: 'Book a date', options: [{ type: 3, name: 'date', description: 'YYYY-MM-DD' }] }],
    };

    await client.rest.put(Routes.applicationGuildCommands(fake.applicationId, DISCORD_DEFAULTS.guildId), { body: [command] });

    expect(fake.registrations).toEqual([expect.objectContaining({ guildId: DISCORD_DEFAULTS.guildId, payload: [command] })]);
    expect(fake.commands(DISCORD_DEFAULTS.guildId)).toEqual([expect.objectContaining({ name: 'oneflex', id: expect.any(String) })]);
    const bad = client.rest.put(Routes.applicationCommands(fake.applicationId), { body: [{ name: 'Bad Name', description: '' }] });
    await expect(bad).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(bad).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it('delivers a slash command and records the deferred ephemeral reply and its edit', async () => {
    const { fake, client } = await startDiscord();
    const errors = onCommand(client, async (interaction) => {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const date = interaction.options.getString('date', true);
      const days = interaction.options.getInteger('days');
      await interaction.editReply({ content: `booked ${date} for ${days} days by ${interaction.user.id} in ${interaction.channelId}` });
    });
    await login(client);
    await client.rest.put(Routes.applicationGuildCommands(fake.applicationId, DISCORD_DEFAULTS.guildId), {
      body: [
        {
          name: 'oneflex',
          description: 'OneFlex',
          options: [
            {
              type: 1,
              name: 'book',
              description: 'Book',
              options: [
                { type: 3, name: 'date', description: 'date', required: true },
                { type: 4, name: 'days', description: 'days' },
              ],
            },
          ],
        },
      ],
    });

    const record = await fake.sendCommand({ userId: DISCORD_DEFAULTS.memberId, subcommand: 'book', options: { date: '2026-12-01', days: 2 } });
    await fake.waitForResponses(record.id, 2);

    expect(errors).toEqual([]);
    expect(record.callback).toEqual({ type: InteractionCallbackType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } });
    expect(record.original?.content).toBe(`booked 2026-12-01 for 2 days by ${DISCORD_DEFAULTS.memberId} in ${DISCORD_DEFAULTS.alertChannelId}`);
    expect(record.original?.flags).toBe(EPHEMERAL);
    expect(record.responses.map((response) => response.kind)).toEqual(['callback', 'edit']);
    const edit = fake.requests.find((request) => request.method === 'PATCH');
    expect(edit?.route).toBe(`/webhooks/${fake.applicationId}/${record.token}/messages/@original`);
  });

  it('refuses a second callback and a callback after the deadline', async () => {
    const fake = new FakeDiscord({ interactionDeadlineMs: 100 });
    const { client } = await startDiscord(fake);
    const outcomes: unknown[] = [];
    onCommand(client, async (interaction) => {
      if (interaction.options.getSubcommand() === 'slow') await new Promise((resolve) => setTimeout(resolve, 150));
      else await interaction.reply({ content: 'first' });
      await interaction.reply({ content: 'again' }).catch((error: unknown) => outcomes.push(error));
      if (interaction.options.getSubcommand() === 'slow') return;
      await interaction.followUp({ content: 'a follow-up' });
    });
    await login(client);

    const fast = await fake.sendCommand({ userId: DISCORD_DEFAULTS.memberId, subcommand: 'fast' });
    await fake.waitForResponses(fast.id, 2);
    const slow = fake.sendCommand({ userId: DISCORD_DEFAULTS.memberId, subcommand: 'slow', timeoutMs: 400 });

    await expect(slow).rejects.toThrow(/timed out/);
    expect(fast.original?.content).toBe('first');
    expect(fast.followUps.map((message) => message.content)).toEqual(['a follow-up']);
    expect(outcomes).toEqual([expect.anything(), expect.anything()]);
    expect(outcomes).toContainEqual(expect.objectContaining({ code: 'InteractionAlreadyReplied' }));
    expect(outcomes).toContainEqual(expect.objectContaining({ status: 404, code: 10062 }));
  });

  it('shows a modal and delivers its submission', async () => {
    const { fake, client } = await startDiscord();
    const submitted: Record<string, string>[] = [];
    client.on(Events.InteractionCreate, (interaction: Interaction) => {
      if (interaction.isChatInputCommand()) {
        const modal = new ModalBuilder()
          .setCustomId('token-form')
          .setTitle('OneFlex tokens')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('access').setLabel('Access token').setStyle(TextInputStyle.Paragraph),
            ),
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('refresh').setLabel('Refresh token').setStyle(TextInputStyle.Paragraph),
            ),
          );
        void interaction.showModal(modal);
      } else if (interaction.isModalSubmit()) {
        const modal: ModalSubmitInteraction = interaction;
        submitted.push({ access: modal.fields.getTextInputValue('access'), refresh: modal.fields.getTextInputValue('refresh') });
        void modal.reply({ content: 'stored', flags: MessageFlags.Ephemeral });
      }
    });
    await login(client);

    const command = await fake.sendCommand({ userId: DISCORD_DEFAULTS.ownerId, subcommand: 'token' });
    const submit = await fake.submitModal({ userId: DISCORD_DEFAULTS.ownerId, customId: 'token-form', fields: { access: 'a.b.c', refresh: 'r-1' } });

    expect(command.callback?.type).toBe(InteractionCallbackType.Modal);
    expect(command.callback?.data).toMatchObject({ custom_id: 'token-form', title: 'OneFlex tokens' });
    expect(submitted).toEqual([{ access: 'a.b.c', refresh: 'r-1' }]);
    expect(submit.original).toMatchObject({ content: 'stored', flags: EPHEMERAL });
    expect(fake.botOutput()).not.toContain('r-1');
  });

  it('posts into the alert channel, and answers 403/50013 where the bot may not post', async () => {
    const fake = new FakeDiscord({
      guilds: [
        {
          id: DISCORD_DEFAULTS.guildId,
          name: 'Team',
          channels: [
            { id: DISCORD_DEFAULTS.alertChannelId, name: 'oneflex-alerts' },
            { id: DISCORD_DEFAULTS.generalChannelId, name: 'general', botCanPost: false },
          ],
        },
        { id: '2000000000000000002', name: 'No alert channel', channels: [{ id: '3000000000000000009', name: 'random' }] },
      ],
    });
    const { client } = await startDiscord(fake);
    await login(client);
    const alerts = client.channels.cache.get(DISCORD_DEFAULTS.alertChannelId) as TextChannel;
    const general = client.channels.cache.get(DISCORD_DEFAULTS.generalChannelId) as TextChannel;

    await alerts.send({ content: `<@${DISCORD_DEFAULTS.ownerId}> token expired`, embeds: [{ title: 'Token expired', description: 'Renew it' }] });
    const denied = general.send({ content: 'hello' });

    await expect(denied).rejects.toMatchObject({ status: 403, code: 50013 });
    expect(general.permissionsFor(client.user!)?.has('SendMessages')).toBe(false);
    expect(client.guilds.cache.get('2000000000000000002')?.channels.cache.map((channel) => channel.name)).toEqual(['random']);
    const [posted] = fake.messagesIn(DISCORD_DEFAULTS.alertChannelId);
    expect(posted?.embeds[0]).toMatchObject({ title: 'Token expired', description: 'Renew it' });
    expect(posted?.mentions.map((user) => user.id)).toEqual([DISCORD_DEFAULTS.ownerId]);
    await expect(alerts.send({ embeds: [{ title: 'x'.repeat(257) }] })).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it('resumes after close code 4000, replays what was missed, and still delivers', async () => {
    const { fake, client } = await startDiscord();
    onCommand(client, (interaction) => interaction.reply({ content: 'pong' }));
    await login(client);
    const resumed = fake.waitForGateway('resumed');

    await fake.closeGateway(4000);
    const missed = fake.sendCommand({ userId: DISCORD_DEFAULTS.memberId, subcommand: 'status' });
    await resumed;
    const alerts = client.channels.cache.get(DISCORD_DEFAULTS.alertChannelId) as TextChannel;
    await alerts.send({ content: 'after resume' });

    expect((await missed).original?.content).toBe('pong');
    expect(fake.messagesIn(DISCORD_DEFAULTS.alertChannelId).map((message) => message.content)).toEqual(['after resume']);
    expect(fake.gatewayStats).toMatchObject({ connections: 2, identifies: 1, resumes: 1 });
    expect(fake.closes[0]).toMatchObject({ code: 4000, closedBy: 'fake' });
    const resume = fake.frames.find((frame) => frame.direction === 'fromBot' && frame.payload.op === 6);
    expect(resume?.payload.d).toMatchObject({ token: DISCORD_DEFAULTS.token, session_id: expect.any(String), seq: expect.any(Number) });
  });

  it('identifies afresh after a non-resumable invalid session', async () => {
    const { fake, client } = await startDiscord();
    await login(client);
    // The fake has sent READY before the client has handled it: wait for the client's own event,
    // or destroying the client mid-identify hangs discord.js.
    const ready = new Promise((resolve) => client.once(Events.ShardReady, resolve));

    fake.invalidateSession(false);
    await ready;

    expect(fake.gatewayStats.identifies).toBe(2);
    expect(fake.frames.filter((frame) => frame.direction === 'fromBot' && frame.payload.op === 2)).toHaveLength(2);
  });

  it('honours a 429 Retry-After on posting and retries', async () => {
    const { fake, client } = await startDiscord();
    await login(client);
    fake.rateLimitMessages({ times: 1, retryAfterSeconds: 0.1 });
    const alerts = client.channels.cache.get(DISCORD_DEFAULTS.alertChannelId) as TextChannel;

    const started = Date.now();
    await alerts.send({ content: 'after the limit' });

    const posts = fake.requests.filter((request) => request.route === `/channels/${DISCORD_DEFAULTS.alertChannelId}/messages`);
    expect(posts.map((request) => request.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.messagesIn(DISCORD_DEFAULTS.alertChannelId)).toHaveLength(1);
  });

  it('hides a command from members without its default_member_permissions', async () => {
    const { fake, client } = await startDiscord();
    onCommand(client, (interaction) => interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral }));
    await login(client);
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    await rest.put(Routes.applicationGuildCommands(fake.applicationId, DISCORD_DEFAULTS.guildId), {
      body: [{ name: 'oneflex-admin', description: 'Admin', default_member_permissions: '32' }],
    });

    const member = fake.sendCommand({ userId: DISCORD_DEFAULTS.memberId, commandName: 'oneflex-admin' });
    await expect(member).rejects.toThrow(/hidden/);
    const owner = await fake.sendCommand({ userId: DISCORD_DEFAULTS.ownerId, commandName: 'oneflex-admin' });

    expect(owner.original?.content).toBe('ok');
  });
});

// ---------------------------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------------------------

/** A Bolt logger that keeps its lines (to read, and to grep for secrets). */
function collectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  let level = LogLevel.DEBUG;
  const write = (name: string) => (...message: unknown[]) => {
    lines.push(`${name} ${message.map((part) => (typeof part === 'string' ? part : String(part))).join(' ')}`);
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

async function startSlack(fake = new FakeSlack()): Promise<FakeSlack> {
  await fake.start();
  cleanups.push(() => fake.stop());
  // Every Web API method Bolt used must be one the fake knows.
  cleanups.push(() => expect(fake.unknownMethods.map((call) => call.method)).toEqual([]));
  return fake;
}

/** A Socket Mode Bolt app on the fake (not started). */
function socketModeApp(fake: FakeSlack, { botToken = fake.botToken, appToken = fake.appToken, retries = 0 } = {}) {
  const logger = collectingLogger();
  // Each gets its own options object: the receiver mutates what it is given. A receiver built by
  // hand reads its Web API options from `installerOptions.clientOptions` only.
  const clientOptions = () => ({ slackApiUrl: fake.apiUrl, retryConfig: { retries, minTimeout: 0, maxTimeout: 0 } });
  const receiver = new SocketModeReceiver({ appToken, installerOptions: { clientOptions: clientOptions() }, clientPingTimeout: 200, logger });
  const app = new App({ token: botToken, receiver, clientOptions: clientOptions(), deferInitialization: true, logger });
  cleanups.push(() => receiver.client.disconnect());
  return { app, receiver, logger };
}

describe('FakeSlack with Bolt', () => {
  it('runs a slash command over Socket Mode: ack, respond() and chat.postMessage', async () => {
    const fake = await startSlack();
    const { app, logger } = socketModeApp(fake);
    app.command('/oneflex', async ({ command, ack, respond, client }) => {
      await ack();
      await respond({ response_type: 'ephemeral', text: `booking ${command.text} for ${command.user_id}` });
      await client.chat.postMessage({ channel: SLACK_DEFAULTS.alertChannelId, text: 'Booked', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Booked*' } }] });
    });
    await app.init();
    await app.start();

    const record = await fake.sendSlashCommand({ text: 'book 2026-12-01', userId: SLACK_DEFAULTS.memberId });
    await fake.waitForResponse(record);
    const posted = await fake.waitForMessage((message) => message.text === 'Booked');

    expect(record.ack).toEqual({});
    expect(record.responses[0]?.body).toEqual({ response_type: 'ephemeral', text: `booking book 2026-12-01 for ${SLACK_DEFAULTS.memberId}` });
    expect(posted.channel).toBe(SLACK_DEFAULTS.alertChannelId);
    expect(posted.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*Booked*' } }]);
    const authTest = fake.calls.find((call) => call.method === 'auth.test');
    expect(authTest?.headers.authorization).toBe(`Bearer ${fake.botToken}`);
    expect(fake.calls.find((call) => call.method === 'apps.connections.open')?.token).toBe(fake.appToken);
    expect(fake.frames[0]).toMatchObject({ direction: 'toApp', data: { type: 'hello' } });
    expect(fake.frames.find((frame) => frame.direction === 'fromApp')?.data).toEqual({ envelope_id: record.envelopeId, payload: {} });
    expect(logger.lines.join('\n')).not.toContain(fake.botToken);
  });

  it('reconnects after a disconnect message and after a dropped socket', async () => {
    const fake = await startSlack();
    const { app } = socketModeApp(fake);
    app.command('/oneflex', async ({ ack }) => ack({ text: 'ok' }));
    await app.init();
    await app.start();

    await fake.disconnect();
    await fake.waitForConnection();
    const afterDisconnect = await fake.sendSlashCommand({ text: 'status', userId: SLACK_DEFAULTS.memberId });
    await fake.dropSocket();
    await fake.waitForConnection();
    const afterDrop = await fake.sendSlashCommand({ text: 'status', userId: SLACK_DEFAULTS.memberId });

    expect(afterDisconnect.ack).toEqual({ text: 'ok' });
    expect(afterDrop.ack).toEqual({ text: 'ok' });
    expect(fake.socketStats).toMatchObject({ ticketsIssued: 3, connections: 3, disconnectsSent: 1 });
  });

  it('opens a modal with the trigger_id and delivers its view_submission', async () => {
    const fake = await startSlack();
    const { app } = socketModeApp(fake);
    const submitted: string[] = [];
    app.command('/oneflex', async ({ command, ack, client }) => {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'token-form',
          private_metadata: command.channel_id,
          title: { type: 'plain_text', text: 'OneFlex tokens' },
          submit: { type: 'plain_text', text: 'Save' },
          blocks: [{ type: 'input', block_id: 'access-block', label: { type: 'plain_text', text: 'Access token' }, element: { type: 'plain_text_input', action_id: 'access' } }],
        },
      });
    });
    app.view('token-form', async ({ ack, view }) => {
      const value = view.state.values['access-block']?.['access']?.value ?? '';
      submitted.push(`${value}@${view.private_metadata}`);
      if (value === 'garbage') await ack({ response_action: 'errors', errors: { 'access-block': 'Not a token' } });
      else await ack();
    });
    await app.init();
    await app.start();

    const command = await fake.sendSlashCommand({ text: 'token', userId: SLACK_DEFAULTS.ownerId });
    await fake.waitForCall('views.open');
    const rejected = await fake.submitView({ userId: SLACK_DEFAULTS.ownerId, callbackId: 'token-form', fields: { access: 'garbage' } });
    const accepted = await fake.submitView({ userId: SLACK_DEFAULTS.ownerId, callbackId: 'token-form', values: { 'access-block': { access: 'a.b.c' } } });

    const opened = [...fake.views.values()][0];
    expect(opened).toMatchObject({ callback_id: 'token-form', private_metadata: SLACK_DEFAULTS.alertChannelId, userId: SLACK_DEFAULTS.ownerId });
    expect(fake.calls.find((call) => call.method === 'views.open')?.params.trigger_id).toBe(command.triggerId);
    expect(rejected.ack).toEqual({ response_action: 'errors', errors: { 'access-block': 'Not a token' } });
    expect(accepted.ack).toEqual({});
    expect(submitted).toEqual([`garbage@${SLACK_DEFAULTS.alertChannelId}`, `a.b.c@${SLACK_DEFAULTS.alertChannelId}`]);
    expect(fake.appOutput()).not.toContain('a.b.c');
  });

  it('answers Slack errors and rate limits the way the Web API does', async () => {
    const fake = await startSlack();
    const { app } = socketModeApp(fake, { retries: 1 });
    await app.init();
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 0 });

    const retried = await app.client.chat.postMessage({ channel: 'oneflex-alerts', text: 'after 429' });
    const notMember = app.client.chat.postMessage({ channel: 'C0RANDOM', text: 'x' });
    const unknown = app.client.chat.postMessage({ channel: 'C0NOPE', text: 'x' });
    const used = app.client.views.open({ trigger_id: 'never-issued', view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] } });

    expect(retried.ok).toBe(true);
    await expect(notMember).rejects.toMatchObject({ data: { ok: false, error: 'not_in_channel' } });
    await expect(unknown).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(used).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
    expect(fake.calls.filter((call) => call.method === 'chat.postMessage').map((call) => call.status)).toEqual([429, 200, 200, 200]);
  });

  it('fails init with a wrong bot token and start with a wrong app token', async () => {
    const fake = await startSlack();
    const badBot = socketModeApp(fake, { botToken: 'xoxb-wrong' });
    const badApp = socketModeApp(fake, { appToken: 'xapp-wrong' });

    await expect(badBot.app.init()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await badApp.app.init();
    await expect(badApp.app.start()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('makes respond() throw when the response_url answers 404', async () => {
    const fake = await startSlack();
    const { app } = socketModeApp(fake);
    const failures: unknown[] = [];
    app.command('/oneflex', async ({ ack, respond }) => {
      await ack();
      await respond('too late').catch((error: unknown) => failures.push(error));
    });
    await app.init();
    await app.start();

    const record = await fake.sendSlashCommand({ text: 'status', userId: SLACK_DEFAULTS.memberId, responseUrlStatus: 404 });
    await fake.waitForResponse(record);
    await expect.poll(() => failures.length).toBe(1);

    expect(record.responses[0]?.status).toBe(404);
    expect(failures[0]).toMatchObject({ code: 'slack_bolt_respond_error' });
  });

  it('HTTP mode: rejects a bad signature with 401 and runs a correctly signed command', async () => {
    const fake = await startSlack();
    const signingSecret = 'fake-signing-secret';
    const logger = collectingLogger();
    const app = new App({ signingSecret, token: fake.botToken, clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }, deferInitialization: true, logger });
    app.command('/oneflex', async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'done' });
    });
    await app.init();
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await app.stop();
    });
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/slack/events`;

    const wrongSecret = await fake.postSlashCommand(url, 'wrong-secret', { text: 'book', userId: SLACK_DEFAULTS.memberId });
    const stale = await fake.postSlashCommand(url, signingSecret, { text: 'book', userId: SLACK_DEFAULTS.memberId }, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const tampered = await fake.postSlashCommand(url, signingSecret, { text: 'book', userId: SLACK_DEFAULTS.memberId }, { tamper: (body) => body.replace('book', 'cancel') });
    const good = await fake.postSlashCommand(url, signingSecret, { text: 'book 2026-12-01', userId: SLACK_DEFAULTS.memberId });
    await fake.waitForResponse(good.record);
    const unsigned = await signedRequest(url, 'command=%2Foneflex', signingSecret, { headers: { 'X-Slack-Signature': '' } });

    expect([wrongSecret.response.status, stale.response.status, tampered.response.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    expect(good.response.status).toBe(200);
    expect(good.record.ack).toEqual({});
    expect(good.record.responses[0]?.body).toEqual({ text: 'done' });
    expect(wrongSecret.record.responses).toEqual([]);
  });
});
