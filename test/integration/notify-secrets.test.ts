import { afterEach, expect, it } from 'vitest';
import { createEvent, type BotEvent } from '../../src/notify/events.js';
import { TEST_ALERT_TYPES, sampleEvent } from '../../src/notify/test-alert.js';
import { CaptureServer, type CaptureFlavour } from '../support/capture-server.js';
import { SmtpTestServer } from '../support/smtp.js';
import { notifyKit, type NotifyKit } from '../support/notify-kit.js';

const clock = { now: () => Date.parse('2026-12-01T07:00:00Z') };
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

it('no token, SMTP password or webhook secret appears in any payload, e-mail or log line', async () => {
  const secrets = {
    access: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LWFsaWNlIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLXNlY3JldA',
    refresh: 'refresh-token-very-secret-7f3a',
    smtp: 'smtp-password-very-secret-91',
    discordToken: 'discord-webhook-token-secret-55',
    slackPath: 'T00000000/B00000000/slackhooksecret42',
    jsonPath: 'ntfy-topic-secret-31',
    heartbeat: 'hc-uuid-secret-0a1b2c3d',
  };
  const flavours: CaptureFlavour[] = ['discord', 'slack', 'teams', 'gchat', 'json'];
  const servers = await Promise.all(
    flavours.map(async (f) => {
      const s = new CaptureServer(f);
      await s.start();
      closers.push(() => s.stop());
      return s;
    }),
  );
  const smtp = new SmtpTestServer({ user: 'bot@example.com', password: secrets.smtp });
  await smtp.start();
  closers.push(() => smtp.stop());
  const urls = [
    `discord+${servers[0]!.baseUrl}/api/webhooks/42/${secrets.discordToken}`,
    `slack+${servers[1]!.baseUrl}/services/${secrets.slackPath}`,
    `teams+${servers[2]!.baseUrl}/workflows/x/invoke?sig=teams-sig-secret-77`,
    `gchat+${servers[3]!.baseUrl}/v1/spaces/AAA/messages?key=k&token=gchat-token-secret-88`,
    `json+${servers[4]!.baseUrl}/${secrets.jsonPath}`,
  ];
  const kit: NotifyKit = await notifyKit({
    ONEFLEX_TOKEN: secrets.access,
    ONEFLEX_REFRESH_TOKEN: secrets.refresh,
    NOTIFICATION_WEBHOOK_URL: urls.join(','),
    NOTIFICATION_EMAIL_ENABLED: 'true',
    NOTIFICATION_EMAIL_TO: 'alice@example.com',
    NOTIFICATION_EMAIL_EVENTS: 'all',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_SECURE: 'starttls',
    SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
    SMTP_USER: 'bot@example.com',
    SMTP_PASSWORD: secrets.smtp,
    HEARTBEAT_URL: `https://hc-ping.com/${secrets.heartbeat}`,
  });
  closers.push(() => kit.dispatcher.stop());

  const events: BotEvent[] = [
    createEvent('token-expired', { error: 'OneFlex refused the refresh token (HTTP 401)', reason: 'refresh-refused', incidentId: 'i-1' }, clock),
    createEvent('token-restored', { user: 'Alice Martin', incidentId: 'i-1', downSince: '2026-12-01T06:00:00Z' }, clock),
    createEvent('booking-success', { bookings: [{ date: '2026-12-29', deskName: 'A-01', spaceName: 'Open space 3F', moments: ['MORNING', 'AFTERNOON'] }] }, clock),
    createEvent('booking-failure', { failures: [{ date: '2026-12-30', code: 'network', reason: 'network error' }] }, clock),
    createEvent('daily-reminder', { date: '2026-12-01', bookings: [] }, clock),
    createEvent('vacation-cancellation', { cancelled: [{ date: '2026-12-24', deskName: 'A-01', spaceName: null, moments: ['MORNING'] }] }, clock),
    createEvent('channel-problem', { channel: 'slack webhook http://127.0.0.1', problem: 'refused (HTTP 404)', fix: 'create a new webhook' }, clock),
  ];
  for (const e of events) kit.dispatcher.publish(e);
  for (const type of TEST_ALERT_TYPES) await kit.dispatcher.sendNow(sampleEvent(type, clock, 'Europe/Paris'));
  for (const s of servers) await s.waitForAccepted(events.length + TEST_ALERT_TYPES.length);
  await smtp.waitForMail(events.length + TEST_ALERT_TYPES.length);

  const everything = [
    ...servers.flatMap((s) => s.requests.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`)),
    ...smtp.received.map((m) => m.raw),
    ...kit.log.lines,
  ].join('\n');
  expect(everything.length).toBeGreaterThan(5000);
  for (const [name, value] of Object.entries({ ...secrets, teams: 'teams-sig-secret-77', gchat: 'gchat-token-secret-88' })) {
    expect(everything.includes(value), name).toBe(false);
  }
});
