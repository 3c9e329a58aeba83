/**
 * The OneFlex sandbox: a real HTTP server on loopback that imitates the OneFlex API as
 * `oneflex-api.md` describes it, for the tests, the benchmark and `oneflex-bot demo`.
 *
 * Speaks:
 * - `POST /api/auth/token` `{"grant_type":"refresh_token","refresh_token":"…"}` → 200
 *   `{"token_type":"bearer","access_token":"<JWT>"}` (+ `refresh_token` when rotating; the old one
 *   then dies); unknown or revoked refresh token → 401 `{"error":"invalid_grant"}`; bad body → 400.
 * - `POST /api/gql` with `Authorization: Bearer <access token>` → GraphQL over graphql-js. A
 *   missing, bad, expired or revoked access token is HTTP 401, not a GraphQL error. Everything
 *   GraphQL (business failures, validation errors) is HTTP 200 with an `errors` array whose
 *   entries all carry `extensions.code`.
 * - Both endpoints want `Content-Type: application/json` (415 otherwise); bodies over 1 MiB get 413.
 * - Anything else: 404.
 *
 * It imports nothing of the project outside `src/sandbox/`, so that it cannot share a mistake with
 * the client it tests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { GraphQLError, Kind, execute, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { addDays, calendarDateFormatter } from './calendar.js';
import { demoSeed } from './demo-seed.js';
import { signAccessToken, verifyAccessToken } from './jwt.js';
import { buildSandboxGraphql, type SandboxContext, type SandboxGraphql } from './schema.js';
import { SandboxStore, type BookingWindow } from './store.js';
import type {
  SandboxAffectation,
  SandboxAffectationInput,
  SandboxFault,
  SandboxOptions,
  SandboxRequestRecord,
} from './types.js';

export const TOKEN_PATH = '/api/auth/token';
export const GRAPHQL_PATH = '/api/gql';
/** The operation name requests to the refresh endpoint are recorded and matched under. */
export const TOKEN_OPERATION = 'token';

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_FAULT_STATUS = 503;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Incoming {
  method: string;
  path: string;
  authorization: string | null;
  contentType: string | null;
  /** null when the body was over the size limit. */
  body: Buffer | null;
}

/** The JSON body of a GraphQL request, read once for the request log and again for execution. */
interface GraphqlBody {
  json: unknown;
  jsonError: boolean;
  document: DocumentNode | null;
  parseError: GraphQLError | null;
}

interface ArmedFault {
  fault: SandboxFault;
  remaining: number;
}

export class OneFlexSandbox {
  private readonly host: string;
  private readonly port: number;
  private readonly accessTtlSeconds: number;
  private readonly bookingWindowDays: number;
  private readonly now: () => number;
  private readonly todayOf: (ms: number) => string;
  private readonly secret = randomBytes(32);
  private readonly store: SandboxStore;
  private readonly graphqlApi: SandboxGraphql;
  private rotateRefresh: boolean;

  /** refresh token → user id */
  private readonly refreshTokens = new Map<string, string>();
  /** jti of every access token still honoured → user id */
  private readonly liveAccessTokens = new Map<string, string>();

  private faults: ArmedFault[] = [];
  private readonly log: SandboxRequestRecord[] = [];
  private readonly listeners = new Set<(r: SandboxRequestRecord) => void>();

  private server: Server | null = null;
  private baseUrl: string | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();

  constructor(options: SandboxOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.accessTtlSeconds = options.accessTokenTtlSeconds ?? 900;
    this.bookingWindowDays = options.bookingWindowDays ?? 28;
    if (!Number.isInteger(this.bookingWindowDays) || this.bookingWindowDays < 0) {
      throw new RangeError(`bookingWindowDays must be a whole number >= 0, got ${this.bookingWindowDays}`);
    }
    this.now = options.now ?? Date.now;
    this.todayOf = calendarDateFormatter(options.timeZone ?? 'Europe/Paris');
    this.rotateRefresh = options.rotateRefreshTokens ?? false;
    this.store = new SandboxStore(options.seed ?? demoSeed(this.todayOf(this.now())));
    this.graphqlApi = buildSandboxGraphql(this.store, () => this.bookingWindow());
  }

  /** Listens and resolves to the base URL, e.g. 'http://127.0.0.1:41234' (no trailing slash). */
  async start(): Promise<string> {
    if (this.server) throw new Error('Sandbox already started');
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // A bug in the sandbox must show in the test that hit it, not crash the process.
        if (!res.headersSent && !res.destroyed) {
          const message = error instanceof Error ? error.message : String(error);
          sendJson(res, 500, { error: 'sandbox_internal_error', message });
        } else {
          res.destroy();
        }
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('Sandbox: server has no TCP address');
    this.server = server;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  /** Closes the server and destroys every open socket, hanging requests included. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.baseUrl = null;
    for (const [timer, wake] of this.sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.sleepers.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  get url(): string {
    if (this.baseUrl === null) throw new Error('Sandbox not started');
    return this.baseUrl;
  }

  get requests(): readonly SandboxRequestRecord[] {
    return this.log;
  }

  /** A fresh access token (lifetime `accessTtlSeconds`, negative = already expired) and a new refresh token. */
  issueTokens(userId: string, opts: { accessTtlSeconds?: number } = {}): { accessToken: string; refreshToken: string } {
    if (!this.store.user(userId)) throw new Error(`Sandbox: unknown user ${userId}`);
    return { accessToken: this.mintAccessToken(userId, opts.accessTtlSeconds), refreshToken: this.mintRefreshToken(userId) };
  }

  /** The SSO session ended: every refresh token (of that user) now gets 401. */
  revokeRefreshTokens(userId?: string): void {
    for (const [token, owner] of this.refreshTokens) {
      if (userId === undefined || owner === userId) this.refreshTokens.delete(token);
    }
  }

  /** Outstanding access tokens (of that user) now get 401, expired or not. */
  revokeAccessTokens(userId?: string): void {
    for (const [jti, owner] of this.liveAccessTokens) {
      if (userId === undefined || owner === userId) this.liveAccessTokens.delete(jti);
    }
  }

  setRotateRefreshTokens(on: boolean): void {
    this.rotateRefresh = on;
  }

  addFault(fault: SandboxFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`Fault times must be a whole number >= 1, got ${times}`);
    this.faults.push({ fault: { ...fault }, remaining: times });
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  /** `at` of the first recorded request with that operation name ('*' = any), or undefined. */
  firstRequestAt(operationName: string): number | undefined {
    return this.log.find((r) => operationName === '*' || r.operationName === operationName)?.at;
  }

  /** Called with each request's record as it arrives (its `status` is filled in once answered). */
  onRequest(listener: (r: SandboxRequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Copies of the stored affectations (of that user), active and inactive. */
  affectations(userId?: string): SandboxAffectation[] {
    return this.store.list(userId);
  }

  /** Stores an affectation as given, bypassing the booking rules: a colleague takes a desk, a remote-work day… */
  addAffectation(affectation: SandboxAffectationInput): SandboxAffectation {
    return this.store.add(affectation);
  }

  // ---------------------------------------------------------------------------------------------

  private bookingWindow(): BookingWindow {
    const today = this.todayOf(this.now());
    return { today, lastOpen: addDays(today, this.bookingWindowDays) };
  }

  private mintAccessToken(userId: string, ttlSeconds = this.accessTtlSeconds): string {
    const iat = Math.floor(this.now() / 1000);
    const jti = randomUUID();
    this.liveAccessTokens.set(jti, userId);
    return signAccessToken({ sub: userId, iat, exp: iat + ttlSeconds, jti }, this.secret);
  }

  private mintRefreshToken(userId: string): string {
    const token = `rt_${randomBytes(16).toString('hex')}`;
    this.refreshTokens.set(token, userId);
    return token;
  }

  /** The user an `Authorization` header authenticates, or null. */
  private authenticate(authorization: string | null): string | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return null;
    const claims = verifyAccessToken(match[1], this.secret);
    if (!claims) return null;
    if (claims.exp * 1000 <= this.now()) return null;
    if (this.liveAccessTokens.get(claims.jti) !== claims.sub) return null;
    if (!this.store.user(claims.sub)) return null;
    return claims.sub;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.timeOrigin + performance.now();
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) return; // the client went away mid-body: nobody to answer
    const incoming: Incoming = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      authorization: req.headers.authorization ?? null,
      contentType: req.headers['content-type'] ?? null,
      body,
    };
    const route = incoming.method === 'POST' && incoming.path === TOKEN_PATH ? 'token' : incoming.method === 'POST' && incoming.path === GRAPHQL_PATH ? 'gql' : 'other';
    const graphqlBody = route === 'gql' ? readGraphqlBody(incoming.body) : null;
    const operationName = route === 'token' ? TOKEN_OPERATION : graphqlBody ? operationNameOf(graphqlBody) : null;

    const record: SandboxRequestRecord = {
      at,
      method: incoming.method,
      path: incoming.path,
      operationName,
      status: 0,
      authorization: incoming.authorization,
    };
    this.log.push(record);
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A test's listener failing is the test's business; the request still gets its answer.
      }
    }

    const answer = (): Promise<Answer> =>
      route === 'token' ? Promise.resolve(this.answerToken(incoming)) : route === 'gql' && graphqlBody ? this.answerGraphql(incoming, graphqlBody) : Promise.resolve({ status: 404, body: { error: 'not_found' } });
    const reply = (a: Answer): void => {
      if (sendJson(res, a.status, a.body, a.headers)) record.status = a.status;
    };

    const fault = this.takeFault(operationName);
    if (!fault) {
      reply(await answer());
      return;
    }
    switch (fault.kind) {
      case 'status':
        reply(faultAnswer(fault));
        return;
      case 'hang':
        return; // stop() destroys the socket
      case 'reset':
        req.socket.destroy();
        return;
      case 'delay':
        if (!(await this.sleep(fault.delayMs ?? 0))) return;
        reply(await answer());
        return;
      case 'apply-then-status':
        await answer();
        reply(faultAnswer(fault));
        return;
      case 'apply-then-reset':
        await answer();
        req.socket.destroy();
        return;
    }
  }

  private takeFault(operationName: string | null): SandboxFault | undefined {
    const armed = this.faults.find((f) => f.fault.match === '*' || (operationName !== null && f.fault.match === operationName));
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.faults = this.faults.filter((f) => f !== armed);
    return armed.fault;
  }

  /** Resolves true after `ms`, or false as soon as the sandbox stops. */
  private sleep(ms: number): Promise<boolean> {
    if (!this.server) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepers.delete(timer);
        resolve(this.server !== null);
      }, ms);
      this.sleepers.set(timer, () => resolve(false));
    });
  }

  private answerToken(incoming: Incoming): Answer {
    if (incoming.body === null) return { status: 413, body: { error: 'invalid_request', error_description: 'body too large' } };
    if (!isJsonContentType(incoming.contentType)) {
      return { status: 415, body: { error: 'invalid_request', error_description: 'Content-Type must be application/json' } };
    }
    let json: unknown;
    try {
      json = JSON.parse(incoming.body.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'invalid_request', error_description: 'body is not JSON' } };
    }
    if (!isRecord(json) || typeof json['grant_type'] !== 'string') {
      return { status: 400, body: { error: 'invalid_request', error_description: 'grant_type is required' } };
    }
    if (json['grant_type'] !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const refreshToken = json['refresh_token'];
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      return { status: 400, body: { error: 'invalid_request', error_description: 'refresh_token is required' } };
    }
    const userId = this.refreshTokens.get(refreshToken);
    if (userId === undefined || !this.store.user(userId)) return { status: 401, body: { error: 'invalid_grant' } };
    const accessToken = this.mintAccessToken(userId);
    if (!this.rotateRefresh) return { status: 200, body: { token_type: 'bearer', access_token: accessToken } };
    this.refreshTokens.delete(refreshToken);
    return { status: 200, body: { token_type: 'bearer', access_token: accessToken, refresh_token: this.mintRefreshToken(userId) } };
  }

  private async answerGraphql(incoming: Incoming, request: GraphqlBody): Promise<Answer> {
    const userId = this.authenticate(incoming.authorization);
    if (userId === null) {
      return { status: 401, body: { error: 'invalid_token' }, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    }
    if (incoming.body === null) return badRequest(413, 'Body too large');
    if (!isJsonContentType(incoming.contentType)) return badRequest(415, 'Content-Type must be application/json');
    if (request.jsonError) return badRequest(400, 'Body is not valid JSON');
    const json = request.json;
    if (!isRecord(json) || typeof json['query'] !== 'string') return badRequest(400, 'Body must be an object with a "query" string');
    const variables = json['variables'];
    if (variables !== undefined && variables !== null && !isRecord(variables)) return badRequest(400, '"variables" must be an object');
    const operationName = json['operationName'];
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
      return badRequest(400, '"operationName" must be a string');
    }
    if (request.parseError || !request.document) {
      return graphqlErrors([request.parseError ?? new GraphQLError('Query does not parse')], 'GRAPHQL_PARSE_FAILED');
    }
    const validationErrors = validate(this.graphqlApi.schema, request.document);
    if (validationErrors.length > 0) return graphqlErrors(validationErrors, 'GRAPHQL_VALIDATION_FAILED');

    const contextValue: SandboxContext = { userId };
    const result: ExecutionResult = await execute({
      schema: this.graphqlApi.schema,
      document: request.document,
      rootValue: this.graphqlApi.rootValue,
      contextValue,
      variableValues: variables ?? undefined,
      operationName: operationName ?? undefined,
    });
    // No `data` at all means the request never ran: variables that do not fit, an unknown operation name.
    const fallbackCode = 'data' in result ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT';
    const body: Record<string, unknown> = {};
    if (result.errors && result.errors.length > 0) body['errors'] = result.errors.map((e) => formatError(e, fallbackCode));
    if ('data' in result) body['data'] = result.data;
    return { status: 200, body };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

function readGraphqlBody(body: Buffer | null): GraphqlBody {
  const out: GraphqlBody = { json: undefined, jsonError: false, document: null, parseError: null };
  if (body === null) return out;
  try {
    out.json = JSON.parse(body.toString('utf8'));
  } catch {
    out.jsonError = true;
    return out;
  }
  if (isRecord(out.json) && typeof out.json['query'] === 'string') {
    try {
      out.document = parse(out.json['query']);
    } catch (error) {
      out.parseError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    }
  }
  return out;
}

/** `operationName` from the body, else the first operation's name, else (anonymous) its first root field, e.g. 'me'. */
function operationNameOf(request: GraphqlBody): string | null {
  if (isRecord(request.json) && typeof request.json['operationName'] === 'string' && request.json['operationName'] !== '') {
    return request.json['operationName'];
  }
  const operation = request.document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return null;
  if (operation.name) return operation.name.value;
  const field = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value !== '__typename');
  return field && field.kind === Kind.FIELD ? field.name.value : null;
}

function formatError(error: GraphQLError, fallbackCode: string): Record<string, unknown> {
  const original = error.originalError;
  if (original && !(original instanceof GraphQLError)) {
    return { ...error.toJSON(), message: `Internal server error: ${original.message}`, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const json = error.toJSON();
  const code = typeof json.extensions?.['code'] === 'string' ? json.extensions['code'] : fallbackCode;
  return { ...json, extensions: { ...json.extensions, code } };
}

function graphqlErrors(errors: readonly GraphQLError[], code: string): Answer {
  return { status: 200, body: { errors: errors.map((e) => formatError(e, code)) } };
}

function badRequest(status: number, message: string): Answer {
  return { status, body: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] } };
}

function faultAnswer(fault: SandboxFault): Answer {
  const status = fault.status ?? DEFAULT_FAULT_STATUS;
  return { status, body: { error: 'sandbox_fault', message: `Injected fault: HTTP ${status}` } };
}

/** Writes a JSON answer; false when the socket is already gone. */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): boolean {
  if (res.headersSent || res.destroyed) return false;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
  return true;
}

function isJsonContentType(contentType: string | null): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
