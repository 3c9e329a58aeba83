/**
 * A webhook capture server on 127.0.0.1: records every request, answers like the platform it
 * imitates (Slack answers 400 `no_text` to a payload without `text`, as Slack does), and can be
 * scripted to fail: a status with headers and body, a hang, a reset connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type CaptureFlavour = 'discord' | 'slack' | 'teams' | 'gchat' | 'json';

export interface CapturedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly json: unknown;
  /** The status the server answered. */
  status: number;
}

export type ScriptedAnswer =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

export class CaptureServer {
  readonly requests: CapturedRequest[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly listeners = new Set<(r: CapturedRequest) => unknown>();
  /** Answer every request this way, after the script is used up (a permanently broken webhook). */
  always: ScriptedAnswer | undefined;
  baseUrl = '';

  constructor(readonly flavour: CaptureFlavour = 'json') {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  /** The URL a user would configure, with the format forced by its prefix (loopback has no telling host). */
  webhookUrl(secretPath = '/hook/s3cr3t-webhook-path'): string {
    const path = this.flavour === 'discord' ? '/api/webhooks/123456789/s3cr3t-discord-token' : secretPath;
    return `${this.flavour}+${this.baseUrl}${path}`;
  }

  /** Queues answers for the next requests, in order. */
  answer(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Called (and awaited) when a request has arrived, before it is answered. */
  onRequest(listener: (r: CapturedRequest) => unknown): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when `count` requests have been answered 2xx. */
  async waitForAccepted(count: number, timeoutMs = 5000): Promise<CapturedRequest[]> {
    const accepted = () => this.requests.filter((r) => r.status >= 200 && r.status < 300);
    const deadline = Date.now() + timeoutMs;
    while (accepted().length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} accepted requests, got ${accepted().length} (of ${this.requests.length})`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return accepted();
  }

  get accepted(): CapturedRequest[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const record: CapturedRequest = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json, status: 0 };
    this.requests.push(record);
    const scripted = this.script.shift() ?? this.always;
    for (const l of [...this.listeners]) await l(record);
    if (scripted?.kind === 'hang') return; // never answers; the client times out
    if (scripted?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const answer = scripted ?? this.natural(json);
    res.writeHead(answer.status, { 'content-type': answer.body?.startsWith('{') ? 'application/json' : 'text/plain', ...answer.headers });
    res.end(answer.body ?? '');
    record.status = answer.status;
  }

  /** What the real platform answers to a well-formed (or not) payload. */
  private natural(json: unknown): { status: number; headers?: Record<string, string>; body?: string } {
    const payload = (json ?? {}) as Record<string, unknown>;
    switch (this.flavour) {
      case 'slack':
        if (typeof payload.text !== 'string' || payload.text === '') return { status: 400, body: 'no_text' };
        return { status: 200, body: 'ok' };
      case 'discord':
        if (!Array.isArray(payload.embeds) && typeof payload.content !== 'string') {
          return { status: 400, body: JSON.stringify({ message: 'Cannot send an empty message', code: 50006 }) };
        }
        return { status: 200, body: JSON.stringify({ id: String(this.requests.length), type: 0 }) };
      case 'teams':
        if (payload.type !== 'message' || !Array.isArray(payload.attachments)) return { status: 400, body: 'invalid card' };
        return { status: 202, body: '' };
      case 'gchat':
        if (typeof payload.text !== 'string' && !Array.isArray(payload.cardsV2)) return { status: 400, body: '{"error":{"code":400}}' };
        return { status: 200, body: JSON.stringify({ name: 'spaces/AAA/messages/1' }) };
      case 'json':
        return { status: 200, body: '{"ok":true}' };
    }
  }
}
