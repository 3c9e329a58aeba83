/**
 * What the Docker image does, without Docker: pack the package as npm would publish it, install it
 * into an empty folder with production dependencies only (at package-lock.json's versions, with
 * the Dockerfile's own commands), and run the program from there. A runtime dependency declared
 * as a dev dependency, or a file missing from package.json "files", fails here.
 *
 * Needs the npm registry. When `npm ping` fails, the install tests are skipped with the reason
 * printed; the Dockerfile checks still run.
 */
import { spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { Metrics } from '../../src/health/metrics.js';
import { startHealthServer } from '../../src/health/server.js';
import { LineCollector, createLogger } from '../../src/logger.js';
import { DEMO_USER_ID, OneFlexSandbox, demoSeed } from '../../src/sandbox/index.js';
import { SecretRegistry } from '../../src/secrets.js';
import { calendarDate } from '../../src/time.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const INSTALL_TIMEOUT_MS = 180_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** npm with the developer's own environment (registry, proxy, cache settings). */
function npm(args: readonly string[], cwd: string, timeoutMs = INSTALL_TIMEOUT_MS): Promise<Run> {
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env: process.env, timeoutMs });
}

function expectOk(step: string, result: Run): void {
  if (result.code !== 0) throw new Error(`${step} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
}

interface PackageJson {
  readonly version: string;
  readonly bin: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  readonly files: readonly string[];
}

const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as PackageJson;

describe('the packed package, installed with production dependencies only (as in the Docker image)', () => {
  let registryDown: string | undefined;
  let work: string;
  /** The installed program, like /opt/oneflex-bot in the image. */
  let app: string;
  let packedFiles: string[];

  beforeAll(async () => {
    const ping = await npm(['ping', '--fetch-retries=0', '--fetch-timeout=10000'], REPO, 20_000);
    if (ping.code !== 0) {
      const how = ping.code === null ? 'timed out after 20 s' : `exited with ${ping.code}`;
      const lines = (ping.stderr || ping.stdout).trim().split('\n');
      const why = lines.find((l) => /FetchError|E[A-Z]{4,}|E\d{3}/.test(l)) ?? lines.pop();
      registryDown = `the npm registry is unreachable (npm ping ${how}: ${why?.replace(/^npm error /, '')})`;
      console.warn(`test/e2e/package.test.ts: SKIPPING the install tests: ${registryDown}`);
      return;
    }
    if (!existsSync(path.join(REPO, pkg.bin['oneflex-bot']!))) throw new Error('dist/ is not built: run `npm run build` before this test (npm test does)');
    work = await mkdtemp(path.join(tmpdir(), 'oneflex-package-'));
    app = path.join(work, 'app');

    // The Dockerfile's steps: npm pack; extract; add the lock file; npm ci --omit=dev --ignore-scripts.
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO, 60_000);
    expectOk('npm pack', packed);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = info!.files.map((f) => f.path);
    await mkdir(app);
    expectOk('tar', await run('tar', ['-xzf', path.join(work, info!.filename), '-C', app, '--strip-components=1'], { cwd: work, env: process.env, timeoutMs: 30_000 }));
    await copyFile(path.join(REPO, 'package-lock.json'), path.join(app, 'package-lock.json'));
    expectOk('npm ci --omit=dev', await npm(['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], app));
  }, INSTALL_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const needsRegistry = (ctx: TestContext) => {
    if (registryDown) ctx.skip(registryDown);
  };

  /** The program as the image's ENTRYPOINT runs it, in a clean environment, from `cwd` (like /app). */
  const bot = (args: readonly string[], cwd: string, env: Record<string, string> = {}) =>
    run(process.execPath, [path.join(app, pkg.bin['oneflex-bot']!), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'Europe/Paris', NODE_ENV: 'production', ...env },
      timeoutMs: 30_000,
    });

  it('ships the built program, .env.example and the README, and no test, source or .env file', (ctx) => {
    needsRegistry(ctx);
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'README.fr.md', 'slack-app-manifest.yml', '.env.example', pkg.bin['oneflex-bot']!, 'dist/commands/index.js']));
    expect(packedFiles.filter((f) => /^(test|src|commands)\/|^dist\/test\/|(^|\/)\.env$|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('installs every dependency and no dev dependency', async (ctx) => {
    needsRegistry(ctx);
    const installed = new Set(await readdir(path.join(app, 'node_modules')));
    for (const name of Object.keys(pkg.dependencies)) expect(existsSync(path.join(app, 'node_modules', name)), name).toBe(true);
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => !name.startsWith('@types/') && existsSync(path.join(app, 'node_modules', name)));
    // ws is also a dependency of discord.js, so it may legitimately be there.
    expect(devOnly.filter((name) => name !== 'ws')).toEqual([]);
    expect(installed.has('typescript') || installed.has('vitest') || installed.has('tsx')).toBe(false);
  });

  it('imports only Node built-ins and declared, installed dependencies (code paths demo and check do not reach too)', async (ctx) => {
    needsRegistry(ctx);
    const files = (await readdir(path.join(app, 'dist'), { recursive: true })).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(10);
    const imported = new Set<string>();
    for (const file of files) {
      const code = await readFile(path.join(app, 'dist', file), 'utf8');
      for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
        const specifier = m[1]!;
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        imported.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported) {
      expect(Object.keys(pkg.dependencies), `${name} is imported by dist/ but is not in "dependencies"`).toContain(name);
      expect(existsSync(path.join(app, 'node_modules', name, 'package.json')), `${name} is not installed`).toBe(true);
    }
  });

  it('runs `demo`: exit 0 and the per-date table', async (ctx) => {
    needsRegistry(ctx);
    const cwd = await mkdtemp(path.join(work, 'demo-'));
    const result = await bot(['demo'], cwd, { BOT_LOCALE: 'en' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Date\s+Result\s+Desk/);
    expect(result.stdout).toMatch(/\d+ booked, \d+ already booked, \d+ skipped, 0 failed/);
  });

  it('runs `check` against a OneFlex sandbox with ./config/.env (the image reads /app/config/.env): exit 0', async (ctx) => {
    needsRegistry(ctx);
    const sandbox = new OneFlexSandbox({ seed: demoSeed(calendarDate(Date.now(), 'Europe/Paris')) });
    await sandbox.start();
    try {
      const tokens = sandbox.issueTokens(DEMO_USER_ID);
      const cwd = await mkdtemp(path.join(work, 'check-'));
      await mkdir(path.join(cwd, 'config'));
      await writeFile(
        path.join(cwd, 'config', '.env'),
        [`ONEFLEX_URL=${sandbox.url}`, `ONEFLEX_TOKEN=${tokens.accessToken}`, `ONEFLEX_REFRESH_TOKEN=${tokens.refreshToken}`, 'PUBLIC_HOLIDAYS=none', 'BOT_LOCALE=en', ''].join('\n'),
      );
      const result = await bot(['check'], cwd, { STATE_DIR: path.join(cwd, 'data') });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Configuration: valid (${path.join(cwd, 'config', '.env')})`);
      expect(result.stdout).toMatch(/Signed in as: Camille Martin/);
      expect(result.stdout).toMatch(/Desks tried, in order: /);
      for (const secret of [tokens.accessToken, tokens.refreshToken]) expect(result.stdout + result.stderr).not.toContain(secret);
    } finally {
      await sandbox.stop();
    }
  });

  it('prints the version of package.json', async (ctx) => {
    needsRegistry(ctx);
    const result = await bot(['--version'], work);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});

describe('Dockerfile', () => {
  const dockerfile = () => readFile(path.join(REPO, 'Dockerfile'), 'utf8');
  /** Instructions with continuation lines joined and comments dropped. */
  const instructions = async () =>
    (await dockerfile())
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
  const finalStage = async () => {
    const all = await instructions();
    const lastFrom = all.findLastIndex((l) => /^FROM\s/i.test(l));
    return all.slice(lastFrom);
  };

  it('builds on a maintained Node LTS line (even major, 22 or later), the same in every stage', async () => {
    const all = await instructions();
    const version = /^ARG NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(all.join('\n'));
    expect(version, 'ARG NODE_VERSION=<major>.<minor>.<patch>').not.toBeNull();
    const major = Number(version![1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
    const froms = all.filter((l) => /^FROM\s/i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS \w+$/);
  });

  it('final stage: only the packed package from the build stage, production dependencies, non-root', async () => {
    const stage = await finalStage();
    const copies = stage.filter((l) => /^COPY\s/i.test(l));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy).toMatch(/^COPY --from=build \/pkg\/? /);
    // The same install the package test runs above.
    expect(stage.filter((l) => /^RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund\b/.test(l))).toHaveLength(1);
    const users = stage.filter((l) => /^USER\s/i.test(l));
    expect(users).toEqual(['USER node']);
    expect(stage.findIndex((l) => l === 'USER node')).toBeLessThan(stage.findIndex((l) => /^ENTRYPOINT\s/.test(l)));
  });

  it('copies into the build stage every top-level file the package ships, so the image packs what npm pack does', async () => {
    const copied = (await instructions()).filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    const shipped = pkg.files.filter((f) => !f.startsWith('dist/'));
    for (const file of shipped) {
      expect(copied, file).toContain(file);
      expect(existsSync(path.join(REPO, file)), file).toBe(true);
    }
  });

  it('never copies tests or .env files into any stage', async () => {
    for (const copy of (await instructions()).filter((l) => /^(COPY|ADD)\s/i.test(l))) {
      expect(copy).not.toMatch(/\btest\b|\.env(?!\.example)|\s\.\s|\s\.\/?\s/);
    }
  });

  it('runs `run` by default from /app, with the state and health settings, volumes and a HEALTHCHECK', async () => {
    const stage = (await finalStage()).join('\n');
    expect(stage).toMatch(/^WORKDIR \/app$/m);
    expect(stage).toMatch(/^ENV NODE_ENV=production\s+STATE_DIR=\/app\/data\s+HEALTH_PORT=8080\s+TZ=Europe\/Paris$/m);
    expect(stage).toMatch(/apt-get install -y --no-install-recommends tzdata/);
    expect(stage).toMatch(/^VOLUME \["\/app\/config", "\/app\/data"\]$/m);
    expect(stage).toMatch(/^EXPOSE 8080$/m);
    expect(stage).toMatch(/^HEALTHCHECK .*CMD \["node", "-e", ".*\/healthz.*"\]$/m);
    expect(stage).toMatch(new RegExp(`^ENTRYPOINT \\["node", "/opt/oneflex-bot/${pkg.bin['oneflex-bot']!.replaceAll('.', '\\.')}"\\]$`, 'm'));
    expect(stage).toMatch(/^CMD \["run"\]$/m);
  });

  it('HEALTHCHECK command: exit 0 while /healthz answers 200, 1 on 503 and when nothing listens', async () => {
    const text = (await dockerfile()).replace(/\\\n/g, ' ');
    const command = JSON.parse(/^HEALTHCHECK .*CMD (\[.*\])$/m.exec(text)![1]!) as string[];
    expect(command[0]).toBe('node');
    let healthy = true;
    const server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      status: () => ({
        healthy,
        reasons: healthy ? [] : ['the scheduler is stopped'],
        token: { state: 'ok', expiresAt: null, lastRefreshAt: null, incidentSince: null },
        lastRun: null,
        nextRuns: [],
        scheduler: healthy ? 'running' : 'stopped',
        chat: {},
        outbox: { pending: 0 },
        version: pkg.version,
      }),
      metrics: new Metrics({ version: pkg.version, defaultMetrics: false }),
      logger: createLogger({ level: 'error', format: 'json', secrets: new SecretRegistry(), stream: new LineCollector() }),
    });
    const check = async () =>
      (await run(process.execPath, command.slice(1), { cwd: REPO, env: { PATH: process.env.PATH ?? '', HEALTH_PORT: String(server.port) }, timeoutMs: 10_000 })).code;
    try {
      expect(await check()).toBe(0);
      healthy = false;
      expect(await check()).toBe(1);
    } finally {
      await server.close();
    }
    expect(await check()).toBe(1);
  });

  it('keeps secrets, state, dependencies and tests out of the build context (.dockerignore)', async () => {
    const ignored = (await readFile(path.join(REPO, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', '**/.env', '/config/', '/secrets/', '/data/', 'node_modules', 'dist', '/test/', '.git', '**/*.log', 'coverage']));
    expect(ignored).toContain('!.env.example');
  });

  it('no production dependency needs an install script (the image installs with --ignore-scripts)', async () => {
    const lock = JSON.parse(await readFile(path.join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const needScripts = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && !p.dev && p.hasInstallScript)
      .map(([name]) => name);
    expect(needScripts).toEqual([]);
  });
});
