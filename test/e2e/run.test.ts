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
  sandbox = new OneFlexSandbox({ seed: seed() });
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
});
