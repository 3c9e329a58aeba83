import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureServer } from '../support/capture-server.js';
import { runCli } from '../support/cli.js';

const servers: CaptureServer[] = [];
let stateDir = '';
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'oneflex-alert-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  await rm(stateDir, { recursive: true, force: true });
});

async function capture(flavour: 'json' | 'slack' | 'discord'): Promise<CaptureServer> {
  const s = new CaptureServer(flavour);
  await s.start();
  servers.push(s);
  return s;
}

describe('oneflex-bot test-alert', () => {
  it('sends a sample to every channel, prints one line per channel and exits 1 when one failed', async () => {
    const slack = await capture('slack');
    const dead = await capture('discord');
    dead.always = { kind: 'status', status: 404, body: '{"message":"Unknown Webhook","code":10015}' };
    const result = await runCli(['test-alert', '--type', 'booking-failure'], {
      env: { NOTIFICATION_WEBHOOK_URL: `${slack.webhookUrl()} ${dead.webhookUrl()}`, BOT_LOCALE: 'en', STATE_DIR: stateDir },
    });
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^✓ slack webhook http:\/\/127\.0\.0\.1:\d+: delivered \(\d+ ms\)$/);
    expect(lines[1]).toMatch(/^✗ discord webhook http:\/\/127\.0\.0\.1:\d+: refused \(HTTP 404\).*\(\d+ ms\)$/);
    expect(slack.requests[0]!.body).toMatch(/test/i);
    expect(result.stdout + result.stderr).not.toContain('s3cr3t');
  });

  it('exits 0 when every channel accepted, in French by default', async () => {
    const json = await capture('json');
    const result = await runCli(['test-alert'], { env: { NOTIFICATION_WEBHOOK_URL: json.webhookUrl(), STATE_DIR: stateDir } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('envoyé');
    expect(json.requests[0]!.json).toMatchObject({ event: 'token-expired', test: true });
  });

  it('says how to configure a channel when there is none, and refuses an unknown type', async () => {
    const none = await runCli(['test-alert'], { env: { BOT_LOCALE: 'en', STATE_DIR: stateDir } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('NOTIFICATION_WEBHOOK_URL');
    const bad = await runCli(['test-alert', '--type', 'nope'], { env: { BOT_LOCALE: 'en', STATE_DIR: stateDir } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('booking-failure');
  });
});
