/**
 * A real SMTP server on 127.0.0.1 (smtp-server, nodemailer's sibling) for the e-mail channel's
 * tests: STARTTLS + AUTH on a 587-style port, or implicit TLS on a 465-style one, with a
 * self-signed certificate; received messages are parsed with mailparser.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';

export interface SmtpTestServerOptions {
  /** Implicit TLS (465-style); otherwise STARTTLS is offered (587-style). */
  readonly secure?: boolean;
  readonly user?: string;
  readonly password?: string;
  /** Drops the connection after receiving DATA for this many messages (the message is lost). */
  readonly dropAfterData?: number;
  /** Does not offer STARTTLS (an old relay, or a downgrade attack). */
  readonly noStartTls?: boolean;
  /** Answers this SMTP code to every message. */
  readonly rejectWith?: number;
}

export interface ReceivedMail {
  readonly from: string | undefined;
  readonly to: string[];
  readonly raw: string;
  readonly parsed: ParsedMail;
  readonly secure: boolean;
  readonly user: string | undefined;
}

let certificate: Promise<{ private: string; cert: string }> | undefined;

export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  /** Every AUTH attempt: user and whether it succeeded. */
  readonly logins: { user: string; ok: boolean }[] = [];
  private server: SMTPServer | undefined;
  private drops: number;
  port = 0;

  constructor(private readonly options: SmtpTestServerOptions = {}) {
    this.drops = options.dropAfterData ?? 0;
  }

  async start(): Promise<number> {
    certificate ??= generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256' });
    const pems = await certificate;
    const { user, password } = this.options;
    this.server = new SMTPServer({
      secure: this.options.secure ?? false,
      key: pems.private,
      cert: pems.cert,
      authOptional: !user,
      allowInsecureAuth: true,
      disabledCommands: [...(user ? [] : ['AUTH']), ...(this.options.noStartTls ? ['STARTTLS'] : [])],
      logger: false,
      onAuth: (auth, _session, callback) => {
        const ok = auth.username === user && auth.password === password;
        this.logins.push({ user: auth.username ?? '', ok });
        if (!ok) return callback(new Error('Invalid username or password'));
        callback(null, { user: auth.username });
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.drops > 0) {
            this.drops--;
            // Close mid-transaction: the client never sees the 250 answer.
            (session as unknown as { socket?: { destroy(): void } }).socket?.destroy();
            for (const connection of (this.server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) {
              connection._socket.destroy();
            }
            return;
          }
          if (this.options.rejectWith) {
            const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: this.options.rejectWith });
            return callback(error);
          }
          const raw = Buffer.concat(chunks);
          void simpleParser(raw).then((parsed) => {
            this.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              to: session.envelope.rcptTo.map((r) => r.address),
              raw: raw.toString('utf8'),
              parsed,
              secure: session.secure,
              user: session.user as string | undefined,
            });
            callback();
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.server.on('error', () => undefined); // dropped connections are expected in some tests
    const address = this.server.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.port = address.port;
    return this.port;
  }

  async waitForMail(count: number, timeoutMs = 5000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${this.received.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
