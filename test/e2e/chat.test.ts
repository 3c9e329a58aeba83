/**
 * The built bot (`oneflex-bot run`) in Discord, end to end: it connects to the fake Discord, registers
 * /oneflex, answers a command by booking on the OneFlex sandbox, and posts the booking event into
 * #oneflex-alerts as an embed. Nothing of ours runs in-process: only the servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OneFlexSandbox } from '../../src/sandbox/index.js';
import { BIN } from '../support/cli.js';
import { DISCORD_DEFAULTS, FakeDiscord } from '../support/fake-discord.js';
import { FakeSlack, SLACK_DEFAULTS } from '../support/fake-slack.js';
import { USER, nextWeekdays, seed } from '../support/harness.js';

let sandbox: OneFlexSandbox;
let discord: FakeDiscord;
let dir: string;
let child: ChildProcess | undefined;
let output = '';

beforeEach(async () => {
  sandbox = new OneFlexSandbox({ seed: seed() });
  await sandbox.start();
  discord = new FakeDiscord();
  await discord.start();
  dir = await mkdtemp(path.join(tmpdir(), 'oneflex-chat-'));
  output = '';
});
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.on('close', resolve));
  }
  child = undefined;
  await discord.stop();
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
});

async function startBot(extra: Record<string, string> = {}): Promise<{ accessToken: string; refreshToken: string }> {
  const tokens = sandbox.issueTokens(USER);
  const env = {
    ONEFLEX_URL: sandbox.url,
    ONEFLEX_TOKEN: tokens.accessToken,
    ONEFLEX_REFRESH_TOKEN: tokens.refreshToken,
    STATE_DIR: path.join(dir, 'data'),
    RESERVATION_TIME: '03:00',
    PUBLIC_HOLIDAYS: 'none',
    BOT_LOCALE: 'en',
    DISCORD_TOKEN: DISCORD_DEFAULTS.token,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: DISCORD_DEFAULTS.guildId,
    BOT_OWNER_DISCORD_ID: DISCORD_DEFAULTS.ownerId,
    ...extra,
  };
  await writeFile(path.join(dir, '.env'), Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n'));
  child = spawn(process.execPath, [BIN, 'run'], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 15_000;
  while (!output.includes('bot started')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bot did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return tokens;
}

describe('oneflex-bot run in Discord', () => {
  it('registers /oneflex, books a date from a slash command, and posts the event to #oneflex-alerts', async () => {
    const tokens = await startBot();
    const registered = discord.commands(DISCORD_DEFAULTS.guildId);
    expect(registered.map((c: { name: string }) => c.name)).toEqual(['oneflex']);
    const [date] = nextWeekdays(1);
    const interaction = await discord.sendCommand({ userId: DISCORD_DEFAULTS.ownerId, subcommand: 'book', options: { date: date! } });
    await discord.waitForResponses(interaction.id, 2, 10_000);
    expect(JSON.stringify(interaction.responses)).toContain(date);
    expect(sandbox.affectations(USER).some((a) => a.date === date)).toBe(true);
    const alert = await discord.waitForMessage((m) => JSON.stringify(m.embeds).includes(date!), 10_000);
    expect(alert.channelId ?? DISCORD_DEFAULTS.alertChannelId).toBe(DISCORD_DEFAULTS.alertChannelId);

    discord.grantCommandAccess(DISCORD_DEFAULTS.memberId); // allowed to see /oneflex, not to change anything
    const refused = await discord.sendCommand({ userId: DISCORD_DEFAULTS.memberId, subcommand: 'pause' });
    await discord.waitForResponses(refused.id, 2, 5000);
    expect(JSON.stringify(refused.responses)).toMatch(/admins|Not allowed/);

    const all = discord.botOutput() + output;
    expect(all).not.toContain(DISCORD_DEFAULTS.token);
    expect(all).not.toContain(tokens.accessToken);
    expect(all).not.toContain(tokens.refreshToken);
  }, 40_000);

  it('reports a missing alert channel through the other channels, and keeps booking', async () => {
    const { CaptureServer } = await import('../support/capture-server.js');
    const hook = new CaptureServer('json');
    await hook.start();
    try {
      await startBot({ DISCORD_ALERT_CHANNEL: 'no-such-channel', NOTIFICATION_WEBHOOK_URL: hook.webhookUrl() });
      const [warning] = await hook.waitForAccepted(1, 15_000);
      expect(warning!.json).toMatchObject({ event: 'channel-problem' });
      expect(JSON.stringify(warning!.json)).toContain('no-such-channel');
    } finally {
      await hook.stop();
    }
  }, 40_000);
});

describe('oneflex-bot run in Slack (Socket Mode)', () => {
  it('answers /oneflex, takes tokens from the modal, and posts alerts to #oneflex-alerts', async () => {
    const slack = new FakeSlack();
    await slack.start();
    try {
      const tokens = await startBot({
        DISCORD_TOKEN: '',
        SLACK_BOT_TOKEN: SLACK_DEFAULTS.botToken,
        SLACK_APP_TOKEN: SLACK_DEFAULTS.appToken,
        SLACK_API_URL: slack.apiUrl,
        BOT_OWNER_SLACK_ID: SLACK_DEFAULTS.ownerId,
      });
      await slack.waitForConnection(10_000);
      const [date] = nextWeekdays(1);
      const command = await slack.sendSlashCommand({ text: `book ${date}`, userId: SLACK_DEFAULTS.ownerId });
      await slack.waitForResponse(command, 1, 10_000);
      expect(JSON.stringify(command.responses)).toContain(date);
      const alert = await slack.waitForMessage((m) => JSON.stringify(m).includes(date!), 10_000);
      expect(alert.channel).toBe(SLACK_DEFAULTS.alertChannelId);

      // Tokens through the modal: checked, stored, answered privately, never echoed.
      const fresh = sandbox.issueTokens(USER);
      const opened = await slack.sendSlashCommand({ text: 'token', userId: SLACK_DEFAULTS.ownerId });
      await slack.waitForCall('views.open');
      expect(opened.ack).toBeDefined();
      await slack.submitView({ userId: SLACK_DEFAULTS.ownerId, callbackId: 'oneflex-token', fields: { access: fresh.accessToken, refresh: fresh.refreshToken } });
      const reply = await slack.waitForCall('chat.postEphemeral', undefined, 10_000);
      expect(JSON.stringify(reply.params)).toContain('Alice Martin');

      const all = slack.appOutput() + output;
      for (const secret of [SLACK_DEFAULTS.botToken, SLACK_DEFAULTS.appToken, tokens.accessToken, tokens.refreshToken, fresh.accessToken, fresh.refreshToken]) {
        expect(all.includes(secret)).toBe(false);
      }
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child!.on('close', resolve));
      }
      await slack.stop();
    }
  }, 40_000);
});
