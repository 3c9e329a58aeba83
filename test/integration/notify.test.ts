import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent, type BotEvent } from '../../src/notify/events.js';
import { CaptureServer, type CaptureFlavour } from '../support/capture-server.js';
import { notifyKit, type NotifyKit } from '../support/notify-kit.js';

const clock = { now: () => Date.parse('2026-12-01T07:00:00Z') };
const servers: CaptureServer[] = [];
const kits: NotifyKit[] = [];

async function capture(flavour: CaptureFlavour = 'json'): Promise<CaptureServer> {
  const s = new CaptureServer(flavour);
  await s.start();
  servers.push(s);
  return s;
}

async function kit(env: Record<string, string>, options: Parameters<typeof notifyKit>[1] = {}): Promise<NotifyKit> {
  const k = await notifyKit(env, options);
  kits.push(k);
  return k;
}

afterEach(async () => {
  for (const k of kits.splice(0)) {
    await k.dispatcher.stop();
  }
  for (const s of servers.splice(0)) await s.stop();
});

const failure = (n = 1): BotEvent =>
  createEvent('booking-failure', { failures: [{ date: `2026-12-${String(n).padStart(2, '0')}`, code: 'desk_unavailable', reason: 'desk taken' }] }, clock);
const success = (date = '2026-12-29'): BotEvent =>
  createEvent('booking-success', { bookings: [{ date, deskName: 'A-01', spaceName: 'Open space 3F', moments: ['MORNING', 'AFTERNOON'] }] }, clock);
const expired = (incidentId = 'inc-1'): BotEvent =>
  createEvent('token-expired', { error: 'refresh refused (HTTP 401)', reason: 'refresh-refused', incidentId }, clock);

describe('webhook channels, one per platform, against capture servers', () => {
  it('posts each platform its own shape, chosen from the URL', async () => {
    const discord = await capture('discord');
    const slack = await capture('slack');
    const teams = await capture('teams');
    const gchat = await capture('gchat');
    const json = await capture('json');
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: [discord, slack, teams, gchat, json].map((s) => s.webhookUrl()).join(',') });
    k.dispatcher.publish(failure());
    for (const s of [discord, slack, teams, gchat, json]) await s.waitForAccepted(1);

    expect(discord.requests[0]!.path).toBe('/api/v10/webhooks/123456789/s3cr3t-discord-token?wait=true');
    expect(discord.requests[0]!.json).toMatchObject({ embeds: [{ color: expect.any(Number), title: expect.any(String) }] });
    expect(slack.requests[0]!.json).toMatchObject({ text: expect.stringContaining('2026-12-01'), blocks: expect.any(Array) });
    expect(teams.requests[0]!.json).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }],
    });
    expect(gchat.requests[0]!.json).toMatchObject({ text: expect.any(String), cardsV2: expect.any(Array) });
    expect(Object.keys(json.requests[0]!.json as object)).toEqual(expect.arrayContaining(['event', 'severity', 'title', 'text', 'fields', 'timestamp', 'test']));
    expect(json.requests[0]!.json).toMatchObject({ event: 'booking-failure', severity: 'error', test: false });
  });

  it('the Slack capture server refuses a Discord-shaped payload, as Slack does (the Python bot bug)', async () => {
    const slack = await capture('slack');
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: `discord+${slack.baseUrl}/api/webhooks/1/tok` });
    k.dispatcher.publish(failure());
    await waitUntil(() => k.dispatcher.health()[0]!.state === 'disabled');
    expect(slack.requests[0]!.status).toBe(400);
    expect(slack.requests[0]!.body).toContain('embeds');
    expect(k.dispatcher.health()[0]!.disabledReason).toContain('no_text');
  });

  it('routes by NOTIFICATION_EVENTS', async () => {
    const json = await capture('json');
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl(), NOTIFICATION_EVENTS: 'booking-failure' });
    k.dispatcher.publish(success());
    k.dispatcher.publish(failure());
    await json.waitForAccepted(1);
    expect(await k.dispatcher.drain(2000)).toBe(true);
    expect(json.requests.map((r) => (r.json as { event: string }).event)).toEqual(['booking-failure']);
  });
});

describe('delivery guarantees', () => {
  it('honours Retry-After on a 429, exactly, then delivers', async () => {
    const json = await capture('json');
    json.answer({ kind: 'status', status: 429, headers: { 'retry-after': '7' }, body: '{"message":"slow down"}' });
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    k.dispatcher.publish(failure());
    await json.waitForAccepted(1);
    expect(k.timers.sleeps).toEqual([7000]);
    expect(json.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("honours Discord's retry_after in the body", async () => {
    const discord = await capture('discord');
    discord.answer({ kind: 'status', status: 429, body: '{"message":"You are being rate limited.","retry_after":1.5,"global":false}' });
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: discord.webhookUrl() });
    k.dispatcher.publish(failure());
    await discord.waitForAccepted(1);
    expect(k.timers.sleeps).toEqual([1500]);
  });

  it('retries 5xx with exponential backoff and jitter, without real waiting', async () => {
    const json = await capture('json');
    json.answer(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 })));
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    k.dispatcher.publish(failure());
    await json.waitForAccepted(1);
    const [a, b, c, d] = k.timers.sleeps;
    expect(k.timers.sleeps).toHaveLength(4);
    expect(a).toBeGreaterThanOrEqual(500);
    expect(a).toBeLessThanOrEqual(1000);
    expect(b).toBeGreaterThanOrEqual(1000);
    expect(b).toBeLessThanOrEqual(2000);
    expect(c).toBeGreaterThanOrEqual(2000);
    expect(c).toBeLessThanOrEqual(4000);
    expect(d).toBeGreaterThanOrEqual(4000);
    expect(d).toBeLessThanOrEqual(8000);
  });

  it('gives up on a hanging webhook after the timeout and tries again', async () => {
    const json = await capture('json');
    json.answer({ kind: 'hang' }, { kind: 'reset' });
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    (k.dispatcher.channels[0] as unknown as { timeoutMs: number }).timeoutMs = 300;
    k.dispatcher.publish(failure());
    await json.waitForAccepted(1, 5000);
    expect(json.requests).toHaveLength(3);
    expect(k.log.lines.some((l) => l.includes('no answer in time'))).toBe(true);
    expect(k.log.lines.some((l) => l.includes('network error'))).toBe(true);
  });

  it('disables a channel on a permanent 404, warns through the others, and remembers it until the URL changes', async () => {
    const dead = await capture('discord');
    dead.always = { kind: 'status', status: 404, body: '{"message":"Unknown Webhook","code":10015}' };
    const json = await capture('json');
    const env = { NOTIFICATION_WEBHOOK_URL: `${dead.webhookUrl()},${json.webhookUrl()}` };
    const k = await kit(env);
    k.dispatcher.publish(failure(1));
    await json.waitForAccepted(2);
    const events = json.accepted.map((r) => r.json as { event: string; text: string });
    expect(events.map((e) => e.event)).toEqual(['booking-failure', 'channel-problem']);
    expect(JSON.stringify(events[1])).toContain('404');
    k.dispatcher.publish(failure(2));
    await json.waitForAccepted(3);
    expect(dead.requests).toHaveLength(1); // never tried again

    // A restart with the same URL: still disabled. With a new URL: enabled.
    await k.dispatcher.stop();
    const again = await kit(env, { stateDir: k.stateDir });
    expect(again.dispatcher.health().find((h) => h.label.startsWith('discord'))!.state).toBe('disabled');
    const replaced = await capture('discord');
    const fixed = await kit({ NOTIFICATION_WEBHOOK_URL: `${replaced.webhookUrl()},${json.webhookUrl()}` }, { stateDir: k.stateDir });
    fixed.dispatcher.publish(failure(3));
    await replaced.waitForAccepted(1);
  });

  it('keeps per-channel order through 429s', async () => {
    const json = await capture('json');
    for (let i = 0; i < 10; i++) if (i % 2 === 0) json.answer({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'status', status: 200, body: '{}' });
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    for (let i = 1; i <= 20; i++) k.dispatcher.publish(failure(i));
    const accepted = await json.waitForAccepted(20);
    const order = accepted.map((r) => JSON.stringify(r.json).match(/2026-12-(\d\d)/)![1]);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(json.requests).toHaveLength(25);
  });

  it('writes each event to the outbox before the first attempt and removes it once delivered', async () => {
    const json = await capture('json');
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    const seenAtRequest: Promise<string[]> = new Promise((resolve) => {
      const stop = json.onRequest(async () => {
        stop();
        resolve(await readdir(path.join(k.stateDir, 'outbox')));
      });
    });
    k.dispatcher.publish(failure());
    expect((await seenAtRequest).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    await k.dispatcher.drain(2000);
    await waitUntil(async () => (await readdir(path.join(k.stateDir, 'outbox'))).length === 0);
  });

  it('after a restart, sends what was pending exactly once per channel, never again to one that accepted it', async () => {
    const flaky = await capture('json');
    flaky.always = { kind: 'status', status: 503 };
    const healthy = await capture('slack');
    const env = { NOTIFICATION_WEBHOOK_URL: `${flaky.webhookUrl('/flaky/0123456789')},${healthy.webhookUrl()}` };
    const first = await kit(env);
    for (let i = 1; i <= 3; i++) first.dispatcher.publish(failure(i));
    await healthy.waitForAccepted(3);
    await waitUntil(() => flaky.requests.length >= 2);
    await first.dispatcher.stop(); // the process ends with the flaky channel still behind
    await new Promise((r) => setTimeout(r, 100)); // an attempt cut at the end of the grace period may still reach the server: let it land
    expect(flaky.accepted).toHaveLength(0);

    flaky.always = undefined;
    const second = await kit(env, { stateDir: first.stateDir });
    await flaky.waitForAccepted(3);
    expect(await second.dispatcher.drain(3000)).toBe(true);
    expect(flaky.accepted.map((r) => JSON.stringify(r.json).match(/2026-12-0(\d)/)![1])).toEqual(['1', '2', '3']);
    expect(healthy.accepted).toHaveLength(3); // nothing resent to the channel that had accepted
    expect(await readdir(path.join(first.stateDir, 'outbox'))).toEqual([]);
  });

  it('lets a delivery in flight at shutdown finish, and does not send it again after the restart', async () => {
    const json = await capture('json');
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    let stopped: Promise<void> | undefined;
    const slowFirst = json.onRequest(async () => {
      slowFirst();
      stopped = k.dispatcher.stop(); // SIGTERM while the platform is still answering
      await new Promise((r) => setTimeout(r, 200));
    });
    k.dispatcher.publish(failure(1));
    await json.waitForAccepted(1);
    await stopped;
    expect(await readdir(path.join(k.stateDir, 'outbox'))).toEqual([]);

    const again = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() }, { stateDir: k.stateDir });
    expect(await again.dispatcher.drain(1000)).toBe(true);
    expect(json.requests).toHaveLength(1);
  });

  it('sends token-expired once per incident', async () => {
    const json = await capture('json');
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    k.dispatcher.publish(expired('inc-1'));
    k.dispatcher.publish(expired('inc-1'));
    k.dispatcher.publish(expired('inc-2'));
    await json.waitForAccepted(2);
    await k.dispatcher.drain(2000);
    expect(json.accepted).toHaveLength(2);
  });

  it('never throws from publish, even when STATE_DIR cannot be written', async () => {
    const json = await capture('json');
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: json.webhookUrl() });
    await rm(k.stateDir, { recursive: true, force: true });
    await writeFile(k.stateDir, 'not a directory');
    expect(() => k.dispatcher.publish(failure())).not.toThrow();
    await json.waitForAccepted(1); // still sent from memory
    expect(k.log.lines.some((l) => l.includes('outbox write failed'))).toBe(true);
    await rm(k.stateDir, { force: true });
  });
});

describe('test alerts', () => {
  it('sends a sample marked as a test to every channel and reports each', async () => {
    const ok = await capture('json');
    const broken = await capture('slack');
    broken.always = { kind: 'status', status: 403, body: 'invalid_token' };
    const k = await kit({ NOTIFICATION_WEBHOOK_URL: `${ok.webhookUrl()},${broken.webhookUrl()}` });
    const { runTestAlert } = await import('../../src/notify/test-alert.js');
    const result = await runTestAlert(k.dispatcher, 'booking-failure', k.timers, 'Europe/Paris');
    expect(result.reports.map((r) => r.ok)).toEqual([true, false]);
    expect(result.reports[1]!.error).toContain('403');
    expect(ok.requests[0]!.json).toMatchObject({ test: true, event: 'booking-failure' });
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

