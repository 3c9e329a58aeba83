import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OneFlexSandbox } from '../../src/sandbox/index.js';
import { BIN } from '../support/cli.js';
import { USER, seed } from '../support/harness.js';

let sandbox: OneFlexSandbox;
let dir: string;

beforeEach(async () => {
  // Access tokens that always need renewing: the bot's token check (every 15 s) meets an ended
  // session soon after the refresh token is revoked.
  sandbox = new OneFlexSandbox({ seed: seed(), accessTokenTtlSeconds: 61 });
  await sandbox.start();
  dir = await mkdtemp(path.join(tmpdir(), 'oneflex-run-'));
});
afterEach(async () => {
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('oneflex-bot run', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('starts, logs its next run, and stops cleanly on %s', async (signal) => {
    const tokens = sandbox.issueTokens(USER);
    await writeFile(
      path.join(dir, '.env'),
      `ONEFLEX_URL=${sandbox.url}\nONEFLEX_TOKEN=${tokens.accessToken}\nONEFLEX_REFRESH_TOKEN=${tokens.refreshToken}\nSTATE_DIR=${path.join(dir, 'data')}\nRESERVATION_TIME=03:00\n`,
    );
    const child = spawn(process.execPath, [BIN, '--schedule'], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bot did not start:\n${output}`)), 10_000);
      child.stderr.on('data', () => {
        if (output.includes('bot started')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(output).toContain('signed in to OneFlex');
    expect(output).toMatch(/nextRun=\d{4}-\d{2}-\d{2}T/);
    const stoppedAt = Date.now();
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(output).toContain('bot stopped');
    expect(output).not.toContain(tokens.accessToken);
    expect(output).not.toContain(tokens.refreshToken);
    expect((await readdir(path.join(dir, 'data'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('serves /healthz and /metrics on HEALTH_PORT: 200 when working, 503 when it needs a person', async () => {
    const tokens = sandbox.issueTokens(USER);
    const port = 20000 + Math.floor(Math.random() * 20000);
    await writeFile(
      path.join(dir, '.env'),
      `ONEFLEX_URL=${sandbox.url}\nONEFLEX_TOKEN=${tokens.accessToken}\nONEFLEX_REFRESH_TOKEN=${tokens.refreshToken}\nSTATE_DIR=${path.join(dir, 'data')}\nRESERVATION_TIME=03:00\nHEALTH_PORT=${port}\nHEALTH_HOST=127.0.0.1\n`,
    );
    const child = spawn(process.execPath, [BIN, 'run'], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await waitFor(() => output.includes('bot started'), () => output);
      const healthy = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(healthy.status).toBe(200);
      const body = (await healthy.json()) as { healthy: boolean; token: { state: string }; nextRuns: string[]; scheduler: string };
      expect(body).toMatchObject({ healthy: true, token: { state: 'ok' }, scheduler: 'running' });
      expect(body.nextRuns.length).toBeGreaterThan(0);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('oneflex_bot_runs_total');
      expect(metrics).toMatch(/oneflex_bot_token_incident_open 0/);

      sandbox.revokeRefreshTokens(USER);
      sandbox.revokeAccessTokens(USER);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 503, () => output, 40_000);
      const sick = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { reasons: string[] };
      expect(sick.reasons.join(' ')).toContain('token set');
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/oneflex_bot_token_incident_open 1/);
      expect(JSON.stringify(sick) + output).not.toContain(tokens.refreshToken);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
    }
  }, 60_000);
});

async function waitFor(condition: () => boolean | Promise<boolean>, context: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await condition();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`condition not met in time:\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
