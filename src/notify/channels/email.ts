/**
 * E-mail over SMTP with nodemailer: implicit TLS on 465, STARTTLS required on 587, short
 * timeouts (a dead relay must not hold the queue for minutes). SMTP answers 4xx and connection
 * trouble are temporary; 5xx answers and refused logins are permanent.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { EmailConfig } from '../../config/config.js';
import { DeliveryError, type NotificationChannel, type SendResult } from '../channel.js';
import type { NotificationMessage } from '../message.js';
import { renderEmail } from '../render/email.js';

const TEMPORARY_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EABORT', 'ECONNREFUSED', 'ECONNRESET']);

export interface EmailChannelOptions {
  readonly connectionTimeoutMs?: number;
  readonly greetingTimeoutMs?: number;
  readonly socketTimeoutMs?: number;
}

export class EmailChannel implements NotificationChannel {
  readonly id: string;
  readonly label: string;
  readonly minIntervalMs = 0;
  /** Created with the channel: nodemailer is loaded only by bots that send e-mail. */
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly config: EmailConfig,
    private readonly options: EmailChannelOptions = {},
  ) {
    const identity = [config.host, config.port, config.secure, config.user ?? '', config.password ?? '', config.from, ...config.to].join('\n');
    this.id = `email-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
    this.label = `e-mail via ${config.host}:${config.port} to ${config.to.length} recipient(s)`;
    // Loaded now, in the background: the first alert (often the critical one) does not wait for it.
    this.connect().catch(() => undefined); // a failure shows at the first send
  }

  private connect(): Promise<Transporter> {
    const { config, options } = this;
    this.transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        host: config.host,
        port: config.port,
        secure: config.secure,
        requireTLS: config.requireTls,
        auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
        connectionTimeout: options.connectionTimeoutMs ?? 10_000,
        greetingTimeout: options.greetingTimeoutMs ?? 10_000,
        socketTimeout: options.socketTimeoutMs ?? 30_000,
        tls: { rejectUnauthorized: config.rejectUnauthorized, servername: config.host },
        disableFileAccess: true,
        disableUrlAccess: true,
      }),
    );
    return this.transport;
  }

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    const mail = renderEmail(message);
    signal.throwIfAborted();
    try {
      const transport = await this.connect();
      await transport.sendMail({
        from: this.config.from,
        to: [...this.config.to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'X-OneFlex-Bot-Event': message.eventType, 'X-OneFlex-Bot-Event-Id': message.eventId },
        messageId: `<${message.eventId}@oneflex-bot>`,
      });
      return {};
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  async close(): Promise<void> {
    if (this.transport) (await this.transport).close();
  }
}

function classifySmtpError(error: unknown): DeliveryError {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const response = e.response ? `: ${e.response.replace(/\s+/g, ' ').slice(0, 120)}` : '';
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 534) {
    return new DeliveryError('smtp_auth', `the SMTP server refused the login${response}; check SMTP_USER and SMTP_PASSWORD (Gmail needs an app password)`, {
      kind: 'permanent',
      cause: error,
    });
  }
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
    return new DeliveryError('smtp_rejected', `the SMTP server refused the message (${e.responseCode})${response}; check SMTP_FROM and NOTIFICATION_EMAIL_TO`, {
      kind: 'permanent',
      cause: error,
    });
  }
  if (e.code === 'EENVELOPE' && !e.responseCode) {
    return new DeliveryError('smtp_envelope', 'the sender or a recipient is not a valid address; check SMTP_FROM and NOTIFICATION_EMAIL_TO', { kind: 'permanent', cause: error });
  }
  const what = typeof e.responseCode === 'number' ? `the SMTP server answered ${e.responseCode}${response}` : `SMTP ${e.code ?? 'error'}: ${e.message ?? 'connection failed'}`;
  return new DeliveryError('smtp_temporary', what, { kind: TEMPORARY_CODES.has(e.code ?? '') || (e.responseCode ?? 0) < 500 ? 'temporary' : 'permanent', cause: error });
}
