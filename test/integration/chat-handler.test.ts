import { afterEach, describe, expect, it } from 'vitest';
import { createChatCommandHandler } from '../../src/chat/handler.js';
import type { ChatCommandHandler, ChatInvoker } from '../../src/chat/contract.js';
import { USER, nextWeekdays, startHarness, today, type Harness } from '../support/harness.js';
import { addDays } from '../../src/time.js';

const OWNER: ChatInvoker = { platform: 'discord', userId: '111111111111111111' };
const ADMIN: ChatInvoker = { platform: 'slack', userId: 'UADMIN01' };
const MEMBER: ChatInvoker = { platform: 'discord', userId: '999999999999999999' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function handler(env: Record<string, string> = {}): Promise<ChatCommandHandler> {
  h = await startHarness({ env: { BOT_OWNER_DISCORD_ID: OWNER.userId, BOT_ADMIN_IDS: ADMIN.userId, BOT_LOCALE: 'en', ...env } });
  return createChatCommandHandler({ app: h.app, config: h.app.config, logger: h.app.logger });
}

describe('the /oneflex command handler, against the sandbox', () => {
  it('lists every command as a spec, restricted when it changes something, the token one as a private form', async () => {
    const chat = await handler();
    expect(chat.specs.map((s) => s.name)).toEqual(['book', 'show', 'cancel', 'status', 'vacation', 'pause', 'resume', 'test-alert', 'token']);
    expect(chat.specs.filter((s) => !s.restricted).map((s) => s.name)).toEqual(['show', 'status']);
    const token = chat.specs.find((s) => s.name === 'token')!;
    expect(token.privateReply).toBe(true);
    expect(token.form?.fields.map((f) => f.id)).toEqual(['access', 'refresh']);
    expect(token.form!.title.fr.length).toBeLessThanOrEqual(45);
  });

  it('books a date and answers publicly with the per-date result', async () => {
    const chat = await handler();
    const [date] = nextWeekdays(1);
    const reply = await chat.run(OWNER, 'book', { date });
    expect(reply.ephemeral).toBe(false);
    expect(reply.message.text).toContain(date);
    expect(reply.message.text).toContain('A-01');
    expect(h!.sandbox.affectations(USER).some((a) => a.date === date)).toBe(true);
  });

  it.each([
    ['book', { date: '2026-02-30' }, 'not a date'],
    ['book', { date: '2020-01-06' }, 'in the past'],
    ['book', { date: addDays(today(), 60) }, 'not open for booking yet'],
    ['vacation', { action: 'add', start: addDays(today(), 20), end: addDays(today(), 10) }, 'before it starts'],
    ['vacation', { action: 'fly' }, 'not an action'],
    ['show', { days: '500' }, 'from 1 to 90'],
  ])('answers bad input to %s privately, with what is wrong and an example', async (command, args, expected) => {
    const chat = await handler();
    const reply = await chat.run(OWNER, command, args);
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.text).toContain(expected);
    expect(reply.message.text).toMatch(/example|\d{4}-\d\d-\d\d/);
  });

  it('refuses commands that change something to members, privately; lets them read', async () => {
    const chat = await handler();
    const refused = await chat.run(MEMBER, 'book', {});
    expect(refused.ephemeral).toBe(true);
    expect(refused.message.text).toContain('BOT_ADMIN_IDS');
    expect(h!.sandbox.affectations(USER)).toHaveLength(0);
    expect((await chat.run(MEMBER, 'show', {})).ephemeral).toBe(false);
    expect(chat.mayRun(ADMIN, 'book')).toBe(true);
    expect(chat.mayRun({ platform: 'slack', userId: OWNER.userId }, 'book')).toBe(false); // owner ids are per platform
  });

  it('keeps vacations from chat, skips them when booking, and lists them', async () => {
    const chat = await handler();
    const [first, second] = nextWeekdays(2);
    const added = await chat.run(OWNER, 'vacation', { action: 'add', start: first, end: second });
    expect(added.message.text).toContain(first);
    const run = await chat.run(OWNER, 'book', {});
    expect(run.message.text).toMatch(new RegExp(`${first}.*vacation`));
    expect(h!.sandbox.affectations(USER).some((a) => a.date === first || a.date === second)).toBe(false);
    const list = await chat.run(MEMBER, 'vacation', { action: 'list' });
    expect(list.ephemeral).toBe(true); // a member may not even list: vacation changes state
    const listed = await chat.run(OWNER, 'vacation', { action: 'list' });
    expect(listed.message.fields[0]!.value).toContain(first);
    await chat.run(OWNER, 'vacation', { action: 'remove', start: first, end: second });
    expect((await h!.app.settings.read()).vacations).toEqual([]);
  });

  it('pauses and resumes the scheduled booking, and status shows it privately', async () => {
    const chat = await handler();
    expect((await chat.run(OWNER, 'pause', {})).message.text).toContain('paused');
    const status = await chat.run(MEMBER, 'status', {});
    expect(status.ephemeral).toBe(true);
    expect(JSON.stringify(status.message.fields)).toContain('paused since');
    expect((await chat.run(OWNER, 'resume', {})).message.text).toContain('resumed');
    expect((await h!.app.settings.read()).paused).toBeNull();
  });

  it('takes new tokens from the form, checks them, closes the incident, and never echoes them', async () => {
    const chat = await handler();
    h!.sandbox.revokeRefreshTokens(USER);
    h!.sandbox.revokeAccessTokens(USER);
    await h!.app.client.whoAmI().catch(() => undefined);
    expect(h!.app.tokens.incidentOpen).toBe(true);
    const fresh = h!.sandbox.issueTokens(USER);
    const reply = await chat.submitTokens(ADMIN, { access: fresh.accessToken, refresh: fresh.refreshToken });
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.text).toContain('Alice');
    expect(h!.app.tokens.incidentOpen).toBe(false);
    expect(h!.events.events.map((e) => e.type)).toEqual(['token-expired', 'token-restored']);
    const everything = JSON.stringify(reply) + h!.log.lines.join('\n');
    expect(everything).not.toContain(fresh.accessToken);
    expect(everything).not.toContain(fresh.refreshToken);
  });

  it('says clearly when OneFlex refuses the tokens of the form, and stores nothing', async () => {
    const chat = await handler();
    const reply = await chat.submitTokens(OWNER, { access: 'garbage', refresh: 'also-garbage-123' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.text).toContain('refused');
    expect(JSON.stringify(reply)).not.toContain('also-garbage-123');
    expect(await chat.submitTokens(MEMBER, { refresh: 'x' })).toMatchObject({ ephemeral: true });
  });

  it('answers an unexpected failure with a reference found in the log, not a crash', async () => {
    const chat = await handler();
    await h!.sandbox.stop(); // OneFlex unreachable: not a user error
    const reply = await chat.run(OWNER, 'show', {});
    expect(reply.ephemeral).toBe(true);
    const ref = /reference ([0-9a-f]{8})/.exec(reply.message.text)?.[1];
    expect(ref).toBeDefined();
    expect(h!.log.lines.some((l) => l.includes(ref!))).toBe(true);
  });

  it.each([
    ['book 2026-12-01 force', { command: 'book', args: { date: '2026-12-01', force: true } }],
    ['book dry-run', { command: 'book', args: { 'dry-run': true } }],
    ['vacation add 2026-08-03 2026-08-21', { command: 'vacation', args: { action: 'add', start: '2026-08-03', end: '2026-08-21' } }],
    ['show days=30', { command: 'show', args: { days: '30' } }],
    ['  STATUS ', { command: 'status', args: {} }],
  ])('parses Slack text %j', async (text, expected) => {
    const chat = await handler();
    expect(chat.parseText(text)).toEqual(expected);
  });

  it('answers unknown subcommands and extra words with the usage, privately', async () => {
    const chat = await handler();
    const unknown = chat.parseText('bok 2026-12-01');
    expect('error' in unknown && unknown.error.message.text).toContain('Unknown command');
    const extra = chat.parseText('status now');
    expect('error' in extra && extra.error.message.text).toContain('/oneflex status');
    const help = chat.parseText('');
    expect('error' in help && help.error.message.text).toContain('/oneflex book');
  });
});
