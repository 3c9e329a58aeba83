import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OneFlexSandbox } from '../../src/sandbox/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import { USER, nextWeekdays, seed } from '../support/harness.js';

let sandbox: OneFlexSandbox;
let dir: string;
let tokens: { accessToken: string; refreshToken: string };
const printed: CliResult[] = [];

beforeEach(async () => {
  sandbox = new OneFlexSandbox({ seed: seed() });
  await sandbox.start();
  tokens = sandbox.issueTokens(USER);
  dir = await mkdtemp(path.join(tmpdir(), 'oneflex-e2e-'));
});

afterEach(async () => {
  // Nothing the CLI printed or logged may contain a token it was given.
  for (const r of printed.splice(0)) {
    for (const secret of [tokens.accessToken, tokens.refreshToken]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  }
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
});

async function writeEnv(lines: Record<string, string>, file = path.join(dir, '.env')): Promise<string> {
  const text = Object.entries({
    ONEFLEX_URL: sandbox.url,
    ONEFLEX_TOKEN: tokens.accessToken,
    ONEFLEX_REFRESH_TOKEN: tokens.refreshToken,
    STATE_DIR: path.join(dir, 'data'),
    PUBLIC_HOLIDAYS: 'none',
    BOT_LOCALE: 'en',
    ...lines,
  })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `# kept comment\n${text}\n`);
  return file;
}

async function cli(args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<CliResult> {
  const result = await runCli(args, { cwd: dir, ...options });
  printed.push(result);
  return result;
}

describe('oneflex-bot CLI (built, against the sandbox)', () => {
  it('books 4 weeks with `recurring`, prints a table per date, exits 0; a second run books nothing', async () => {
    await writeEnv({});
    const first = await cli(['recurring', '--weeks', '4']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Date\s+Result\s+Desk/);
    expect(first.stdout.match(/ booked /g)).toHaveLength(20);
    expect(first.stdout).toContain('20 booked, 0 already booked, 0 skipped, 0 failed');
    const second = await cli(['--recurring', '4']); // the Python bot's flag
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 booked, 20 already booked');
  });

  it('finds ./config/.env, refreshes tokens into it and keeps its other lines', async () => {
    const file = await writeEnv({}, path.join(dir, 'config', '.env'));
    sandbox.setRotateRefreshTokens(true);
    const expired = sandbox.issueTokens(USER, { accessTtlSeconds: -10 });
    await writeFile(file, (await readFile(file, 'utf8')).replace(tokens.accessToken, expired.accessToken).replace(tokens.refreshToken, expired.refreshToken));
    printed.push({ code: 0, stdout: '', stderr: '' });
    const result = await runCli(['show', '--days', '3'], { cwd: dir });
    expect(result.code).toBe(0);
    for (const s of [expired.accessToken, expired.refreshToken]) expect(result.stdout + result.stderr).not.toContain(s);
    const after = await readFile(file, 'utf8');
    expect(after.startsWith('# kept comment\n')).toBe(true);
    expect(after).not.toContain(expired.refreshToken);
    expect(after).toContain('BOT_LOCALE=en');
  });

  it('books one date with --date (Python flag) and shows it in `show --json`', async () => {
    await writeEnv({});
    const [d1] = nextWeekdays(1);
    const booked = await cli(['--date', d1!]);
    expect(booked.code).toBe(0);
    expect(booked.stdout).toContain(d1);
    const shown = await cli(['show', '--json']);
    const json = JSON.parse(shown.stdout) as { bookings: { date: string; deskName: string }[] };
    expect(json.bookings).toEqual([expect.objectContaining({ date: d1, deskName: 'A-01' })]);
  });

  it('exits 2 with every bad variable named and no secret shown', async () => {
    await writeEnv({ RESERVATION_TIME: '25:00', RESERVATION_DAYS_OF_WEEK: '1,8', VACATION_DATES: '2026-08-20:2026-08-01', ONEFLEX_URL: 'not a url' });
    const result = await cli(['book']);
    expect(result.code).toBe(2);
    for (const key of ['RESERVATION_TIME', 'RESERVATION_DAYS_OF_WEEK', 'VACATION_DATES', 'ONEFLEX_URL']) expect(result.stderr).toContain(key);
    expect(result.stdout).toBe('');
  });

  it('exits 2 on bad usage, with an example', async () => {
    await writeEnv({});
    const unknown = await cli(['bookk']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'bookk'");
    const badDate = await cli(['book', '--date', '2026-02-30']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain("'2026-02-30' is not a date");
    const tokenArg = await cli(['token', 'set', 'eyJabc']);
    expect(tokenArg.code).toBe(2);
  });

  it('exits 3 when the SSO session has ended, saying what to do', async () => {
    await writeEnv({});
    sandbox.revokeRefreshTokens(USER);
    sandbox.revokeAccessTokens(USER);
    const result = await cli(['book', '--date', nextWeekdays(1)[0]!]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('token set');
  });

  it('exits 1 when a booking failed', async () => {
    await writeEnv({});
    const [d1] = nextWeekdays(1);
    for (const deskId of ['d-a', 'd-b', 'd-c']) sandbox.addAffectation({ userId: 'u-bob', date: d1!, moment: 'MORNING', deskId, spaceId: 's-1' });
    const result = await cli(['book', '--date', d1!]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('failed');
  });

  it('`token set` reads tokens from standard input, checks them and stores them', async () => {
    await writeEnv({ ONEFLEX_TOKEN: '', ONEFLEX_REFRESH_TOKEN: '' });
    const fresh = sandbox.issueTokens(USER);
    printed.push({ code: 0, stdout: '', stderr: '' });
    const result = await runCli(['token', 'set'], { cwd: dir, input: `access_token=${fresh.accessToken}; refresh_token=${fresh.refreshToken}` });
    expect(result.stderr + result.stdout).not.toContain(fresh.refreshToken);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Alice Martin');
    const check = await runCli(['check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('Signed in as: Alice Martin');
    const garbage = await runCli(['token', 'set'], { cwd: dir, input: 'not-a-token\nnor-this\n' });
    expect(garbage.code).toBe(3);
  });

  it('`check` reports config, user, token and desks', async () => {
    await writeEnv({ LOG_FORMAT: 'json' });
    const result = await cli(['check']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Configuration: valid');
    expect(result.stdout).toContain('Desks tried, in order: A-01, B-02, C-03');
  });

  it('--dry-run books nothing', async () => {
    await writeEnv({});
    const result = await cli(['book', '--dry-run', '--weeks', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would book');
    expect(sandbox.affectations(USER)).toHaveLength(0);
  });

  it('`demo` runs on a fresh machine with no configuration and exits 0', async () => {
    const result = await cli(['demo'], { env: { BOT_LOCALE: 'en' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Demo: OneFlex sandbox at http://127.0.0.1:');
    expect(result.stdout).toMatch(/ booked /);
    expect(result.stdout).toContain('Notifications that would be sent:');
  });

  it('French by default', async () => {
    await writeEnv({ BOT_LOCALE: 'fr' });
    const result = await cli(['book', '--dry-run', '--weeks', '1']);
    expect(result.stdout).toContain('serait réservé');
  });
});
