import { request, Agent, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { Metrics } from '../../src/health/metrics.js';
import { describeHealth, startHealthServer, type HealthInputs, type HealthServer, type HealthStatus } from '../../src/health/server.js';
import { LineCollector, createLogger } from '../../src/logger.js';
import type { TokenStatus } from '../../src/oneflex/token-manager.js';
import { SecretRegistry } from '../../src/secrets.js';

const NOW = Date.parse('2025-03-10T08:00:00.000Z');
const fixedClock = { now: () => NOW };

const HEALTHY: HealthStatus = {
  healthy: true,
  reasons: [],
  token: { state: 'ok', expiresAt: '2025-03-10T08:15:00.000Z', lastRefreshAt: '2025-03-10T07:59:00.000Z', incidentSince: null },
  lastRun: { at: '2025-03-10T07:00:01.000Z', result: 'ok', created: 1, failed: 0 },
  nextRuns: ['2025-03-11T07:00:00.000Z'],
  scheduler: 'running',
  chat: { discord: 'connected', slack: 'disabled' },
  outbox: { pending: 0 },
  version: '0.1.0',
};

const NEEDS_A_PERSON: HealthStatus = {
  ...HEALTHY,
  healthy: false,
  reasons: ['token incident open since 2025-03-09T22:00:00.000Z: run oneflex-bot token set'],
  token: { state: 'incident', expiresAt: null, lastRefreshAt: null, incidentSince: '2025-03-09T22:00:00.000Z' },
};

let servers: HealthServer[] = [];
let log: LineCollector;

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(status: () => Promise<HealthStatus> | HealthStatus, metrics = new Metrics({ version: '0.1.0', clock: fixedClock })) {
  log = new LineCollector();
  const logger = createLogger({ level: 'debug', format: 'json', secrets: new SecretRegistry(), stream: log });
  const server = await startHealthServer({ host: '127.0.0.1', port: 0, status, metrics, logger });
  servers.push(server);
  return { server, metrics };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function call(url: string, method = 'GET', agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Prometheus text format 0.0.4: `# HELP`/`# TYPE` comments, else `name{label="value",…} value`.
 * Values are read like Prometheus does (Go's ParseFloat): NaN and Inf in any case, as prom-client
 * writes `Nan` for an event-loop lag not measured yet.
 */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|nan|[+-]?inf)$/i;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = sample.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, /nan/i.test(m[3]!) ? NaN : Number(m[3]));
  }
  return samples;
}

describe('GET /healthz', () => {
  it('answers 200 with the JSON status when the bot is healthy', async () => {
    const { server } = await start(() => HEALTHY);
    const answer = await call(`${server.url}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual(HEALTHY);
  });

  it('answers 503 with the reasons when the bot needs a person (async status)', async () => {
    const { server } = await start(async () => NEEDS_A_PERSON);
    const answer = await call(`${server.url}/healthz?verbose=1`);
    expect(answer.status).toBe(503);
    const body = JSON.parse(answer.body) as HealthStatus;
    expect(body.healthy).toBe(false);
    expect(body.reasons[0]).toMatch(/^token incident open since .*: run oneflex-bot token set$/);
    expect(body.token).toEqual({ state: 'incident', expiresAt: null, lastRefreshAt: null, incidentSince: '2025-03-09T22:00:00.000Z' });
  });

  it.each([
    [HEALTHY, 200],
    [NEEDS_A_PERSON, 503],
  ] as const)('answers HEAD with the same code and no body (%#)', async (status, code) => {
    const { server } = await start(() => status);
    const answer = await call(`${server.url}/healthz`, 'HEAD');
    expect(answer.status).toBe(code);
    expect(answer.body).toBe('');
    expect(Number(answer.headers['content-length'])).toBeGreaterThan(0);
  });

  it('serves only the documented fields, even when the status object carries more', async () => {
    const leaky = {
      ...HEALTHY,
      accessToken: 'eyJhbGciOiJIUzI1NiJ9.secret.sig',
      token: { ...HEALTHY.token, refreshToken: 'refresh-secret' },
      lastRun: { ...HEALTHY.lastRun!, counts: { password: 'smtp-secret' } },
    };
    const { server } = await start(() => leaky);
    const answer = await call(`${server.url}/healthz`);
    expect(answer.body).not.toMatch(/secret/);
    expect(Object.keys(JSON.parse(answer.body) as object).sort()).toEqual(
      ['chat', 'healthy', 'lastRun', 'nextRuns', 'outbox', 'reasons', 'scheduler', 'token', 'version'],
    );
  });

  it('answers 500 and logs the error when the status cannot be built', async () => {
    const { server } = await start(() => {
      throw new Error('run log unreadable');
    });
    const answer = await call(`${server.url}/healthz`);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ error: 'internal_error' });
    expect(log.lines.some((l) => l.includes('health request failed') && l.includes('run log unreadable'))).toBe(true);
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the counts recorded so far', async () => {
    const metrics = new Metrics({ version: '0.1.0', clock: fixedClock, channels: ['discord'] });
    const { server } = await start(() => HEALTHY, metrics);
    metrics.recordRun('ok');
    metrics.recordRun('failed');
    metrics.recordRun('ok');
    metrics.recordBooking('created', 3);
    metrics.recordBooking('failed');
    metrics.recordOutcomes([{ status: 'created' }, { status: 'already-booked' }, { status: 'would-book' }, { status: 'cancelled' }]);
    metrics.recordNotification('discord', 'delivered');
    metrics.recordNotification('email', 'retried');
    metrics.recordNotification('email', 'retried');
    metrics.recordTokenRefresh(true);
    metrics.recordTokenRefresh(false);
    metrics.setOutboxDepth(2);
    metrics.setTokenExpiry(NOW + 900_000);
    metrics.setIncidentOpen(true);

    const answer = await call(`${server.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parseExposition(answer.body);
    expect(Object.fromEntries([...samples].filter(([k]) => !/_(process|nodejs)_/.test(k)))).toEqual({
      'oneflex_bot_runs_total{result="ok"}': 2,
      'oneflex_bot_runs_total{result="failed"}': 1,
      'oneflex_bot_runs_total{result="skipped"}': 0,
      'oneflex_bot_bookings_total{result="created"}': 4,
      'oneflex_bot_bookings_total{result="already_booked"}': 1,
      'oneflex_bot_bookings_total{result="skipped"}': 0,
      'oneflex_bot_bookings_total{result="failed"}': 1,
      'oneflex_bot_bookings_total{result="cancelled"}': 1,
      'oneflex_bot_notifications_total{channel="discord",result="delivered"}': 1,
      'oneflex_bot_notifications_total{channel="discord",result="retried"}': 0,
      'oneflex_bot_notifications_total{channel="discord",result="failed"}': 0,
      'oneflex_bot_notifications_total{channel="discord",result="disabled"}': 0,
      'oneflex_bot_notifications_total{channel="email",result="retried"}': 2,
      'oneflex_bot_token_refreshes_total{result="ok"}': 1,
      'oneflex_bot_token_refreshes_total{result="failed"}': 1,
      oneflex_bot_outbox_depth: 2,
      oneflex_bot_token_expires_at_seconds: (NOW + 900_000) / 1000,
      oneflex_bot_token_incident_open: 1,
      oneflex_bot_last_run_timestamp_seconds: NOW / 1000,
      'oneflex_bot_info{version="0.1.0"}': 1,
    });
    // Node's process metrics, under our prefix.
    expect(samples.has('oneflex_bot_process_cpu_user_seconds_total')).toBe(true);
    expect(samples.has('oneflex_bot_nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('starts at zero, exports an unknown expiry as 0, and counts each bot on its own registry', async () => {
    const first = new Metrics({ version: '1.2.3', defaultMetrics: false });
    const second = new Metrics({ version: '1.2.3', defaultMetrics: false });
    first.recordRun('ok');
    first.setTokenExpiry(NOW);
    first.setTokenExpiry(null);
    first.setIncidentOpen(false);
    const a = parseExposition(await first.metricsText());
    const b = parseExposition(await second.metricsText());
    expect(a.get('oneflex_bot_runs_total{result="ok"}')).toBe(1);
    expect(b.get('oneflex_bot_runs_total{result="ok"}')).toBe(0);
    expect(b.get('oneflex_bot_last_run_timestamp_seconds')).toBe(0);
    expect(a.get('oneflex_bot_token_expires_at_seconds')).toBe(0);
    expect(a.get('oneflex_bot_token_incident_open')).toBe(0);
    expect([...a.keys()].some((k) => k.includes('process_'))).toBe(false);
    expect(globalRegistry.getSingleMetric('oneflex_bot_runs_total')).toBeUndefined();
  });
});

describe('Metrics samplers', () => {
  it('sets gauges from the state read at each scrape', async () => {
    const metrics = new Metrics({ version: '0.1.0', defaultMetrics: false });
    let pending = 3;
    metrics.addSampler(() => metrics.setOutboxDepth(pending));
    expect(parseExposition(await metrics.metricsText()).get('oneflex_bot_outbox_depth')).toBe(3);
    pending = 0;
    expect(parseExposition(await metrics.metricsText()).get('oneflex_bot_outbox_depth')).toBe(0);
  });
});

describe('other requests', () => {
  it.each(['/', '/health', '/healthz/', '/metrics.json'])('answers 404 for %s', async (path) => {
    const { server } = await start(() => HEALTHY);
    const answer = await call(`${server.url}${path}`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'not_found' });
  });

  it.each([
    ['POST', '/healthz'],
    ['DELETE', '/healthz'],
    ['PUT', '/metrics'],
  ])('answers 405 with an Allow header for %s %s', async (method, path) => {
    const { server } = await start(() => HEALTHY);
    const answer = await call(`${server.url}${path}`, method);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });
});

describe('start and close', () => {
  it('closes at once while a keep-alive connection is open and another is half-way through a request', async () => {
    const { server } = await start(() => HEALTHY);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const slow = connect(server.port, '127.0.0.1');
    slow.on('error', () => undefined); // the server resets it: expected
    try {
      await new Promise<void>((resolve) => slow.once('connect', resolve));
      slow.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // headers never finished
      // Connections are accepted in order: once this later one is answered, the slow one is open on the server too.
      const first = await call(`${server.url}/healthz`, 'GET', agent);
      expect(first.headers.connection).toBe('keep-alive');
      const idle = Object.values(agent.freeSockets).flat();
      expect(idle).toHaveLength(1);
      idle[0]!.on('error', () => undefined);
      const closed = [idle[0]!, slow].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));

      // server.close() alone waits for the unfinished request (until the request timeout check, 30 s).
      const outcome = await Promise.race([
        Promise.all([server.close(), ...closed]).then(() => 'closed'),
        new Promise((resolve) => setTimeout(resolve, 1_000, 'still open after 1 s')),
      ]);
      expect(outcome).toBe('closed');
      await expect(call(`${server.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await server.close(); // twice is harmless
    } finally {
      agent.destroy();
      slow.destroy();
    }
  });

  it('fails with a clear AppError when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const logger = createLogger({ level: 'error', format: 'json', secrets: new SecretRegistry(), stream: new LineCollector() });
      const starting = startHealthServer({ host: '127.0.0.1', port, status: () => HEALTHY, metrics: new Metrics({ version: 'x', defaultMetrics: false }), logger });
      await expect(starting).rejects.toBeInstanceOf(AppError);
      await expect(starting).rejects.toMatchObject({ code: 'health_listen_failed', message: expect.stringMatching(/EADDRINUSE.*HEALTH_PORT/) });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('describeHealth', () => {
  const token = (t: Partial<TokenStatus>): TokenStatus => ({
    state: 'valid',
    expiresAt: '2025-03-10T08:15:00.000Z',
    lastRefreshAt: null,
    incident: null,
    canRefresh: true,
    ...t,
  });
  const base: HealthInputs = { now: NOW, version: '0.1.0', token: token({}), lastRun: null, nextRuns: [], scheduler: 'running' };

  it.each<[string, Partial<HealthInputs>, { healthy: boolean; state: string; reason?: RegExp }]>([
    ['valid tokens with a refresh token', {}, { healthy: true, state: 'ok' }],
    ['no refresh token, access token good for 3 h', { token: token({ canRefresh: false, expiresAt: '2025-03-10T11:00:00.000Z' }) }, { healthy: true, state: 'ok' }],
    ['no refresh token, access token ends in 15 min', { token: token({ canRefresh: false }) }, { healthy: true, state: 'expiring' }],
    ['no refresh token, expiry unknown', { token: token({ canRefresh: false, expiresAt: null }) }, { healthy: true, state: 'unknown' }],
    [
      'a token incident',
      { token: token({ state: 'incident', incident: { id: 'i1', since: '2025-03-09T22:00:00.000Z', reason: 'refresh-refused' } }) },
      { healthy: false, state: 'incident', reason: /^token incident open since 2025-03-09T22:00:00.000Z: run oneflex-bot token set$/ },
    ],
    ['an expired token and nothing to renew it', { token: token({ state: 'expired', canRefresh: false }) }, { healthy: false, state: 'incident', reason: /token set/ }],
    ['no tokens at all', { token: token({ state: 'missing', expiresAt: null, canRefresh: false }) }, { healthy: false, state: 'unknown', reason: /ONEFLEX_TOKEN/ }],
    ['a stopped scheduler', { scheduler: 'stopped' }, { healthy: false, state: 'ok', reason: /scheduler is stopped/ }],
    ['a paused scheduler', { scheduler: 'paused' }, { healthy: true, state: 'ok' }],
  ])('%s', (_name, change, expected) => {
    const status = describeHealth({ ...base, ...change });
    expect(status.healthy).toBe(expected.healthy);
    expect(status.token.state).toBe(expected.state);
    if (expected.reason) expect(status.reasons).toEqual([expect.stringMatching(expected.reason)]);
    else expect(status.reasons).toEqual([]);
  });

  it('summarises the last run and drops unknown next runs', () => {
    const status = describeHealth({
      ...base,
      lastRun: { day: '2025-03-10', startedAt: '2025-03-10T07:00:00.000Z', finishedAt: '2025-03-10T07:00:02.000Z', ok: false, counts: { created: 2, failed: 1, skipped: 3 } },
      nextRuns: ['2025-03-11T07:00:00.000Z', null],
      chat: { discord: 'connecting' },
      outboxPending: 4,
    });
    expect(status).toMatchObject({
      lastRun: { at: '2025-03-10T07:00:02.000Z', result: 'failed', created: 2, failed: 1 },
      nextRuns: ['2025-03-11T07:00:00.000Z'],
      chat: { discord: 'connecting' },
      outbox: { pending: 4 },
      version: '0.1.0',
    });
    const unfinished = describeHealth({ ...base, lastRun: { day: '2025-03-10', startedAt: '2025-03-10T07:00:00.000Z', finishedAt: null, ok: null, counts: null } });
    expect(unfinished.lastRun).toEqual({ at: '2025-03-10T07:00:00.000Z', result: 'unfinished', created: 0, failed: 0 });
  });
});
