import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/notify/events.js';
import { SmtpTestServer } from '../support/smtp.js';
import { notifyKit, type NotifyKit } from '../support/notify-kit.js';

const clock = { now: () => Date.parse('2026-12-01T07:00:00Z') };
const servers: SmtpTestServer[] = [];
const kits: NotifyKit[] = [];

async function smtp(options: ConstructorParameters<typeof SmtpTestServer>[0] = {}): Promise<SmtpTestServer> {
  const s = new SmtpTestServer(options);
  await s.start();
  servers.push(s);
  return s;
}

async function kit(env: Record<string, string>): Promise<NotifyKit> {
  const k = await notifyKit(env);
  kits.push(k);
  return k;
}

afterEach(async () => {
  for (const k of kits.splice(0)) await k.dispatcher.stop();
  for (const s of servers.splice(0)) await s.stop();
});

const mailEnv = (server: SmtpTestServer, extra: Record<string, string> = {}) => ({
  NOTIFICATION_EMAIL_ENABLED: 'true',
  NOTIFICATION_EMAIL_TO: 'alice@example.com, ops@example.com',
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(server.port),
  SMTP_USER: 'bot@example.com',
  SMTP_PASSWORD: 'smtp-pass-4242',
  SMTP_TLS_REJECT_UNAUTHORIZED: 'false', // the test server's certificate is self-signed
  ...extra,
});

const tokenExpired = () => createEvent('token-expired', { error: 'refresh refused (HTTP 401)', reason: 'refresh-refused', incidentId: 'inc-9' }, clock);

describe('e-mail over SMTP against smtp-server', () => {
  it('587-style: STARTTLS required, AUTH, subject, plain text and HTML', async () => {
    const server = await smtp({ user: 'bot@example.com', password: 'smtp-pass-4242' });
    const k = await kit(mailEnv(server, { SMTP_SECURE: 'false' }));
    // SMTP_SECURE=false with a non-587 port: STARTTLS when offered; the server offers it.
    k.dispatcher.publish(tokenExpired());
    const [mail] = await server.waitForMail(1);
    expect(mail!.secure).toBe(true); // upgraded with STARTTLS
    expect(mail!.user).toBe('bot@example.com');
    expect(mail!.to).toEqual(['alice@example.com', 'ops@example.com']);
    expect(mail!.from).toBe('bot@example.com');
    expect(mail!.parsed.subject).toMatch(/token/i);
    expect(mail!.parsed.text).toContain('oneflex-bot token set');
    expect(mail!.parsed.html).toContain('<');
    expect(mail!.parsed.headers.get('x-oneflex-bot-event')).toBe('token-expired');
  });

  it('SMTP_SECURE=starttls: a server that does not offer STARTTLS is refused, nothing goes out in clear', async () => {
    const server = await smtp({ user: 'bot@example.com', password: 'smtp-pass-4242', noStartTls: true });
    const k = await kit(mailEnv(server, { SMTP_SECURE: 'starttls' }));
    expect(k.config.notify.email?.requireTls).toBe(true);
    const [report] = await k.dispatcher.sendNow(tokenExpired());
    expect(report!.ok).toBe(false);
    expect(server.received).toHaveLength(0);
    expect(server.logins).toHaveLength(0); // the password was never sent in clear
  });

  it('465-style: implicit TLS with a self-signed certificate', async () => {
    const server = await smtp({ secure: true, user: 'bot@example.com', password: 'smtp-pass-4242' });
    const k = await kit(mailEnv(server, { SMTP_SECURE: 'true' }));
    k.dispatcher.publish(tokenExpired());
    const [mail] = await server.waitForMail(1);
    expect(mail!.secure).toBe(true);
  });

  it('refuses an untrusted certificate unless told otherwise', async () => {
    const server = await smtp({ secure: true, user: 'bot@example.com', password: 'smtp-pass-4242' });
    const k = await kit(mailEnv(server, { SMTP_SECURE: 'true', SMTP_TLS_REJECT_UNAUTHORIZED: 'true' }));
    const [report] = await k.dispatcher.sendNow(tokenExpired());
    expect(report!.ok).toBe(false);
    expect(server.received).toHaveLength(0);
  });

  it('a wrong password disables e-mail with a clear reason, without the password', async () => {
    const server = await smtp({ user: 'bot@example.com', password: 'the-real-one' });
    const k = await kit(mailEnv(server, { SMTP_SECURE: 'false' }));
    k.dispatcher.publish(tokenExpired());
    await waitUntil(() => k.dispatcher.health()[0]!.state === 'disabled');
    expect(k.dispatcher.health()[0]!.disabledReason).toContain('SMTP_PASSWORD');
    expect(k.log.lines.join('\n')).not.toContain('smtp-pass-4242');
  });

  it('a server that drops the connection after DATA: retried, then delivered', async () => {
    const server = await smtp({ user: 'bot@example.com', password: 'smtp-pass-4242', dropAfterData: 1 });
    const k = await kit(mailEnv(server, { SMTP_SECURE: 'false' }));
    k.dispatcher.publish(tokenExpired());
    await server.waitForMail(1);
    expect(k.timers.sleeps).toHaveLength(1);
    expect(server.received).toHaveLength(1);
  });

  it('routes by NOTIFICATION_EMAIL_EVENTS: successes are not e-mailed by default', async () => {
    const server = await smtp({ user: 'bot@example.com', password: 'smtp-pass-4242' });
    const k = await kit(mailEnv(server, { SMTP_SECURE: 'false' }));
    k.dispatcher.publish(createEvent('booking-success', { bookings: [{ date: '2026-12-29', deskName: 'A-01', spaceName: null, moments: ['MORNING'] }] }, clock));
    k.dispatcher.publish(tokenExpired());
    await server.waitForMail(1);
    expect(await k.dispatcher.drain(3000)).toBe(true);
    expect(server.received.map((m) => m.parsed.headers.get('x-oneflex-bot-event'))).toEqual(['token-expired']);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
