/**
 * The health server (HEALTH_PORT): what Docker's HEALTHCHECK, a NAS dashboard or Prometheus ask.
 *
 *   GET|HEAD /healthz → 200 JSON HealthStatus when the bot works on its own,
 *                       503 (same JSON, `reasons` saying why) when it needs a person
 *   GET|HEAD /metrics → Prometheus text format (see metrics.ts)
 *   another path → 404; another method on these paths → 405 with an Allow header
 *
 * Plain node:http: two read-only routes do not need a framework. The answers carry no secret: the
 * status is copied field by field into the response, so a token that found its way into the object
 * given by the caller is still never served. There is no authentication; bind HEALTH_HOST to
 * 127.0.0.1 when the port must not be reachable from the network.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TokenStatus } from '../oneflex/token-manager.js';
import type { RunRecord } from '../schedule/run-log.js';
import type { Metrics } from './metrics.js';

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

export const TOKEN_HEALTH_STATES = ['ok', 'expiring', 'incident', 'unknown'] as const;
export type TokenHealthState = (typeof TOKEN_HEALTH_STATES)[number];
export const SCHEDULER_STATES = ['running', 'paused', 'stopped'] as const;
export type SchedulerState = (typeof SCHEDULER_STATES)[number];
export const CHAT_STATES = ['connected', 'connecting', 'disconnected', 'disabled'] as const;
export type ChatState = (typeof CHAT_STATES)[number];

export interface HealthStatus {
  /** False when the bot cannot go on without a person; the server then answers 503. */
  readonly healthy: boolean;
  /** Why it is not healthy, in English, each with what to do, e.g. 'token incident open since …: run oneflex-bot token set'. */
  readonly reasons: readonly string[];
  readonly token: {
    readonly state: TokenHealthState;
    readonly expiresAt: string | null;
    readonly lastRefreshAt: string | null;
    readonly incidentSince: string | null;
  };
  readonly lastRun: { readonly at: string; readonly result: string; readonly created: number; readonly failed: number } | null;
  /** ISO instants of the next scheduled runs, soonest first. */
  readonly nextRuns: readonly string[];
  readonly scheduler: SchedulerState;
  /** Chat adapters by name ('discord', 'slack'). */
  readonly chat: Readonly<Record<string, ChatState>>;
  readonly outbox: { readonly pending: number };
  readonly version: string;
}

export interface HealthServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Asked on every GET /healthz; keep it cheap (in-memory state, no OneFlex call). */
  readonly status: () => Promise<HealthStatus> | HealthStatus;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface HealthServer {
  /** e.g. 'http://127.0.0.1:8080' */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops every connection, keep-alive ones included. */
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const log = options.logger.child({ module: 'health' });
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      log.error('health request failed', { error, path: pathOf(req) });
      if (res.headersSent) res.destroy();
      else sendJson(req, res, 500, { error: 'internal_error' });
    });
  });
  // A health endpoint answers at once; a client that sends its request slowly is dropped.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new AppError('health_listen_failed', `The health server cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); change HEALTH_PORT or HEALTH_HOST.`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => log.error('health server error', { error }));

  const address = server.address();
  if (address === null || typeof address === 'string') throw new AppError('health_listen_failed', 'The health server has no TCP address.');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info('health server listening', { url, paths: [HEALTH_PATH, METRICS_PATH] });

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() ends idle keep-alive sockets but waits for any connection still in a request.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = pathOf(req);
  if (path !== HEALTH_PATH && path !== METRICS_PATH) {
    sendJson(req, res, 404, { error: 'not_found', paths: [HEALTH_PATH, METRICS_PATH] });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendJson(req, res, 405, { error: 'method_not_allowed', allow: ['GET', 'HEAD'] });
    return;
  }
  if (path === METRICS_PATH) {
    send(req, res, 200, options.metrics.contentType, await options.metrics.metricsText());
    return;
  }
  const status = publicStatus(await options.status());
  sendJson(req, res, status.healthy ? 200 : 503, status);
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://health.invalid').pathname;
}

function sendJson(req: IncomingMessage, res: ServerResponse, code: number, body: unknown): void {
  send(req, res, code, 'application/json; charset=utf-8', `${JSON.stringify(body, null, 2)}\n`);
}

function send(req: IncomingMessage, res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Exactly the documented fields: nothing else the caller's object may carry is ever served. */
function publicStatus(s: HealthStatus): HealthStatus {
  return {
    healthy: s.healthy,
    reasons: [...s.reasons],
    token: { state: s.token.state, expiresAt: s.token.expiresAt, lastRefreshAt: s.token.lastRefreshAt, incidentSince: s.token.incidentSince },
    lastRun: s.lastRun && { at: s.lastRun.at, result: s.lastRun.result, created: s.lastRun.created, failed: s.lastRun.failed },
    nextRuns: [...s.nextRuns],
    scheduler: s.scheduler,
    chat: { ...s.chat },
    outbox: { pending: s.outbox.pending },
    version: s.version,
  };
}

export interface HealthInputs {
  readonly now: number;
  readonly version: string;
  /** `app.tokens.status()` */
  readonly token: TokenStatus;
  /** `(await app.runLog.read()).lastRun` */
  readonly lastRun: RunRecord | null;
  /** e.g. `[scheduler.next().run]`; nulls are dropped. */
  readonly nextRuns: readonly (string | null | undefined)[];
  readonly scheduler: SchedulerState;
  readonly chat?: Readonly<Record<string, ChatState>>;
  readonly outboxPending?: number;
  /** Without a refresh token, an access token this close to expiry reads 'expiring'. Default 1 hour. */
  readonly expiringWithinMs?: number;
}

/**
 * The status from the bot's parts. Unhealthy (503) means only "needs a person": a token incident,
 * tokens expired or missing with nothing to renew them, a stopped scheduler. A failed run (desks
 * taken) or a chat reconnecting is reported but heals without anyone.
 */
export function describeHealth(input: HealthInputs): HealthStatus {
  const reasons: string[] = [];
  const t = input.token;
  let state: TokenHealthState;
  switch (t.state) {
    case 'incident':
      state = 'incident';
      reasons.push(`token incident open since ${t.incident?.since ?? 'an unknown time'}: run oneflex-bot token set`);
      break;
    case 'expired':
      state = 'incident';
      reasons.push('the OneFlex access token has expired and there is no refresh token: run oneflex-bot token set');
      break;
    case 'missing':
      state = 'unknown';
      reasons.push('no OneFlex tokens: set ONEFLEX_TOKEN and ONEFLEX_REFRESH_TOKEN, or run oneflex-bot token set');
      break;
    case 'valid': {
      const expiresAt = t.expiresAt === null ? undefined : Date.parse(t.expiresAt);
      if (t.canRefresh) state = 'ok';
      else if (expiresAt === undefined) state = 'unknown';
      else state = expiresAt - input.now <= (input.expiringWithinMs ?? 3_600_000) ? 'expiring' : 'ok';
      break;
    }
  }
  if (input.scheduler === 'stopped') reasons.push('the scheduler is stopped: no booking will run; restart the bot');

  const run = input.lastRun;
  return {
    healthy: reasons.length === 0,
    reasons,
    token: { state, expiresAt: t.expiresAt, lastRefreshAt: t.lastRefreshAt, incidentSince: t.incident?.since ?? null },
    lastRun: run && {
      at: run.finishedAt ?? run.startedAt,
      result: run.ok === true ? 'ok' : run.ok === false ? 'failed' : 'unfinished',
      created: run.counts?.created ?? 0,
      failed: run.counts?.failed ?? 0,
    },
    nextRuns: input.nextRuns.filter((r): r is string => typeof r === 'string'),
    scheduler: input.scheduler,
    chat: { ...input.chat },
    outbox: { pending: input.outboxPending ?? 0 },
    version: input.version,
  };
}
