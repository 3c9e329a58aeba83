import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, variableList } from '../../../src/config/config.js';
import { ConfigError } from '../../../src/errors.js';

const noFiles = { readSecretFile: (p: string): string => { throw new Error(`no file ${p}`); } };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, noFiles);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({}, noFiles);
    expect(c.oneflex.url).toBe('https://oneflex.myworldline.com');
    expect(c.oneflex.timeoutMs).toBe(15_000);
    expect(c.booking.time).toEqual({ hour: 0, minute: 0, second: 0 });
    expect(c.booking.daysAhead).toBe(7);
    expect(c.booking.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(c.booking.moments).toEqual(['MORNING', 'AFTERNOON']);
    expect(c.booking.windowDays).toBe(28);
    expect(c.booking.concurrency).toBe(4);
    expect(c.booking.publicHolidays).toEqual({ country: 'FR' });
    expect(c.booking.reminderTime).toBeUndefined();
    expect(c.timeZone).toBe('Europe/Paris');
    expect(c.locale).toBe('fr');
    expect(c.stateDir).toBe('./data');
    expect(Object.isFrozen(c.booking)).toBe(true);
  });

  it('reads a Python-bot .env with its variable names and meanings', () => {
    const c = loadConfig(
      {
        ONEFLEX_TOKEN: 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.sig',
        ONEFLEX_REFRESH_TOKEN: 'refresh-abcdef',
        ONEFLEX_DESK_ID: 'd-1',
        ONEFLEX_SPACE_ID: 's-1',
        ONEFLEX_DESK_NAME: '3F-12',
        RESERVATION_TIME: '00:01',
        RESERVATION_DAYS_AHEAD: '28',
        RESERVATION_DAYS_OF_WEEK: '1,2,4',
        RECURRING_WEEKS: '4',
        VACATION_DATES: '2026-08-03:2026-08-21, 2026-12-24',
        AUTO_CANCEL_VACATIONS: 'True',
        REMINDER_TIME: '08:30',
      },
      noFiles,
    );
    expect(c.oneflex.desk).toEqual({ deskId: 'd-1', spaceId: 's-1', name: '3F-12' });
    expect(c.booking.time).toEqual({ hour: 0, minute: 1, second: 0 });
    expect(c.booking.daysOfWeek).toEqual([1, 2, 4]);
    expect(c.booking.vacations).toEqual([
      { start: '2026-08-03', end: '2026-08-21' },
      { start: '2026-12-24', end: '2026-12-24' },
    ]);
    expect(c.booking.autoCancelVacations).toBe(true);
    expect(c.booking.reminderTime).toEqual({ hour: 8, minute: 30, second: 0 });
    expect(c.secrets).toContain('refresh-abcdef');
  });

  it.each([
    ['RESERVATION_TIME', '25:00'],
    ['RESERVATION_TIME', '7h30'],
    ['RESERVATION_DAYS_OF_WEEK', '1,8'],
    ['RESERVATION_DAYS_OF_WEEK', 'lundi'],
    ['VACATION_DATES', '2026-08-20:2026-08-01'],
    ['VACATION_DATES', '2026-02-30'],
    ['VACATION_DATES', '2026/08/01'],
    ['ONEFLEX_URL', 'oneflex.myworldline.com'],
    ['ONEFLEX_URL', 'ftp://example.com'],
    ['RESERVATION_DAYS_AHEAD', '-1'],
    ['RECURRING_WEEKS', 'four'],
    ['RESERVATION_MOMENTS', 'EVENING'],
    ['BOOKING_WINDOW_DAYS', '0'],
    ['BOOKING_CONCURRENCY', '100'],
    ['PUBLIC_HOLIDAYS', 'XX'],
    ['PUBLIC_HOLIDAYS', 'FR-99'],
    ['REMINDER_TIME', '8'],
    ['BOT_TIMEZONE', 'Europe/Pariss'],
    ['BOT_LOCALE', 'de'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_FORMAT', 'xml'],
    ['AUTO_CANCEL_VACATIONS', 'maybe'],
    ['ONEFLEX_TIMEOUT_SECONDS', '0'],
    ['NOTIFICATION_WEBHOOK_URL', 'hooks.slack.com/services/T/B/X'],
    ['NOTIFICATION_WEBHOOK_URL', 'teams+ftp://example.com/x'],
    ['NOTIFICATION_WEBHOOK_URL', 'matrix+https://example.com/x'],
    ['NOTIFICATION_WEBHOOK_URL', 'https://discord.com/not-a-webhook'],
    ['NOTIFICATION_EVENTS', 'booking-sucess'],
    ['NOTIFICATION_EMAIL_EVENTS', 'everything'],
    ['NOTIFICATION_EMAIL_ENABLED', 'perhaps'],
    ['NOTIFICATION_EMAIL_TO', 'me-at-example.com'],
    ['SMTP_PORT', '70000'],
    ['SMTP_SECURE', 'tls'],
    ['SMTP_FROM', 'not an address'],
    ['HEARTBEAT_URL', 'hc-ping.com/abc'],
    ['DISCORD_GUILD_ID', 'my-server'],
    ['DISCORD_API_URL', 'localhost:3000'],
    ['BOT_OWNER_DISCORD_ID', '@me'],
    ['BOT_OWNER_SLACK_ID', 'john'],
    ['BOT_ADMIN_IDS', 'U123,@bob'],
    ['SLACK_PORT', 'http'],
    ['HEALTH_PORT', '0'],
  ])('rejects %s=%s naming the variable, what was expected and an example', (key, value) => {
    const error = configError({ [key]: value });
    expect(error.issues.map((i) => i.key)).toEqual([key]);
    expect(error.message).toContain(key);
    expect(error.message).toMatch(/expected .+ \(example: .+\)/);
  });

  it('lists every bad variable in one message', () => {
    const error = configError({ RESERVATION_TIME: '25:00', RESERVATION_DAYS_OF_WEEK: '1,8', ONEFLEX_URL: 'nope' });
    expect(error.issues.map((i) => i.key).sort()).toEqual(['ONEFLEX_URL', 'RESERVATION_DAYS_OF_WEEK', 'RESERVATION_TIME']);
    expect(error.message).toContain('3 variables are wrong');
  });

  it('says which vacation entry is wrong and why', () => {
    const error = configError({ VACATION_DATES: '2026-07-01, 2026-08-20:2026-08-01' });
    expect(error.message).toContain("'2026-08-20:2026-08-01' ends before it starts");
  });

  it('never shows a secret value, even when the secret file is unreadable', () => {
    const error = configError({ ONEFLEX_TOKEN_FILE: '/run/secrets/missing', ONEFLEX_DESK_ID: 'd-1' });
    expect(error.issues.map((i) => i.key).sort()).toEqual(['ONEFLEX_SPACE_ID', 'ONEFLEX_TOKEN_FILE']);
  });

  it('reads secrets from NAME_FILE (Docker secrets), trimming the final newline', () => {
    const c = loadConfig(
      { ONEFLEX_REFRESH_TOKEN_FILE: '/run/secrets/refresh' },
      { readSecretFile: (p) => (p === '/run/secrets/refresh' ? 'from-file-secret\n' : '') },
    );
    expect(c.oneflex.refreshToken).toBe('from-file-secret');
    expect(c.tokenSources.refreshToken).toBe('file');
    expect(c.secrets).toContain('from-file-secret');
  });

  it('never shows a webhook URL, even a wrong one: it holds a secret', () => {
    const error = configError({ NOTIFICATION_WEBHOOK_URL: 'https://ok.example/hook, teams+ftp://secret-path-12345' });
    expect(error.issues.map((i) => i.key)).toEqual(['NOTIFICATION_WEBHOOK_URL']);
    expect(error.message).not.toContain('secret-path-12345');
    expect(error.message).not.toContain('ok.example');
  });

  it('chooses the webhook format from the host or the prefix, and hides the secret path', () => {
    const c = loadConfig(
      {
        NOTIFICATION_WEBHOOK_URL: [
          'https://discord.com/api/webhooks/123456/tok-en_secret',
          'https://hooks.slack.com/services/T0/B0/slacksecret',
          'https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=teamssecret',
          'https://chat.googleapis.com/v1/spaces/AAA/messages?key=gkey&token=gchatsecret',
          'https://ntfy.example/topic-secret',
          'slack+http://127.0.0.1:9999/relay',
        ].join(', '),
      },
      noFiles,
    );
    expect(c.notify.webhooks.map((w) => w.format)).toEqual(['discord', 'slack', 'teams', 'gchat', 'json', 'slack']);
    expect(c.notify.webhooks[0]!.url).toBe('https://discord.com/api/v10/webhooks/123456/tok-en_secret?wait=true');
    for (const w of c.notify.webhooks) {
      expect(w.label).not.toMatch(/secret/);
      expect(w.id).toMatch(/^webhook-[a-z]+-[0-9a-f]{12}$/);
    }
    for (const secret of ['tok-en_secret', 'slacksecret', 'teamssecret', 'gchatsecret', 'topic-secret']) {
      expect(c.secrets.some((s) => s.includes(secret)), secret).toBe(true);
    }
  });

  it('routes every event to chat and webhooks, and alerts only to e-mail, by default', () => {
    const c = loadConfig(
      { NOTIFICATION_EMAIL_ENABLED: 'true', NOTIFICATION_EMAIL_TO: 'a@example.com, b@example.com', SMTP_HOST: 'smtp.example.com', SMTP_USER: 'me@example.com', SMTP_PASSWORD: 'pw-123456' },
      noFiles,
    );
    expect(c.notify.events).toContain('daily-reminder');
    expect(c.notify.email?.events).toEqual(['token-expired', 'token-restored', 'booking-failure', 'channel-problem']);
    expect(c.notify.email).toMatchObject({ to: ['a@example.com', 'b@example.com'], port: 587, secure: false, requireTls: true, from: 'me@example.com' });
    expect(c.secrets).toContain('pw-123456');
    expect(loadConfig({ NOTIFICATION_EVENTS: 'none' }, noFiles).notify.events).toEqual([]);
  });

  it.each([
    ['465', 'auto', true, false],
    ['587', 'auto', false, true],
    ['25', 'auto', false, false],
    ['2525', 'true', true, false],
    ['587', 'false', false, false],
    ['2525', 'starttls', false, true],
  ])('derives TLS from SMTP_PORT=%s SMTP_SECURE=%s', (port, secure, implicit, requireTls) => {
    const c = loadConfig({ NOTIFICATION_EMAIL_ENABLED: 'true', NOTIFICATION_EMAIL_TO: 'a@example.com', SMTP_HOST: 'h', SMTP_FROM: 'Bot <bot@example.com>', SMTP_PORT: port, SMTP_SECURE: secure }, noFiles);
    expect(c.notify.email).toMatchObject({ secure: implicit, requireTls });
  });

  it('names what e-mail is missing when it is enabled', () => {
    const error = configError({ NOTIFICATION_EMAIL_ENABLED: 'true', SMTP_USER: 'me' });
    expect(error.issues.map((i) => i.key).sort()).toEqual(['NOTIFICATION_EMAIL_TO', 'SMTP_FROM', 'SMTP_HOST', 'SMTP_PASSWORD']);
  });

  it('needs a Slack mode: an app token (Socket Mode) or a signing secret and a port (HTTP)', () => {
    expect(configError({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' }).issues.map((i) => i.key)).toEqual(['SLACK_APP_TOKEN']);
    expect(configError({ SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'sig-123456' }).issues.map((i) => i.key)).toEqual(['SLACK_PORT']);
    expect(configError({ SLACK_APP_TOKEN: 'xapp-1-2-3' }).issues.map((i) => i.key)).toEqual(['SLACK_BOT_TOKEN']);
    expect(configError({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_APP_TOKEN: 'xapp-1' }).issues.map((i) => i.key)).toEqual(['SLACK_BOT_TOKEN']);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, noFiles).slack?.mode.kind).toBe('socket');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'sig-123456', SLACK_PORT: '3000' }, noFiles).slack?.mode).toEqual({
      kind: 'http',
      signingSecret: 'sig-123456',
      port: 3000,
    });
  });

  it('requires the desk and its space together', () => {
    expect(configError({ ONEFLEX_DESK_ID: 'd-1' }).issues[0]?.key).toBe('ONEFLEX_SPACE_ID');
    expect(configError({ ONEFLEX_SPACE_ID: 's-1' }).issues[0]?.key).toBe('ONEFLEX_DESK_ID');
  });

  it('refuses a single date further than the booking window', () => {
    const error = configError({ RESERVATION_DAYS_AHEAD: '30', BOOKING_WINDOW_DAYS: '28' });
    expect(error.issues[0]?.key).toBe('RESERVATION_DAYS_AHEAD');
  });

  it('accepts regions, ranges of weekdays, seconds and none', () => {
    const c = loadConfig(
      { PUBLIC_HOLIDAYS: 'fr-67', RESERVATION_DAYS_OF_WEEK: '1-3,5', RESERVATION_TIME: '23:59:59', RESERVATION_MOMENTS: 'morning' },
      noFiles,
    );
    expect(c.booking.publicHolidays).toEqual({ country: 'FR', state: '67' });
    expect(c.booking.daysOfWeek).toEqual([1, 2, 3, 5]);
    expect(c.booking.time).toEqual({ hour: 23, minute: 59, second: 59 });
    expect(c.booking.moments).toEqual(['MORNING']);
    expect(loadConfig({ PUBLIC_HOLIDAYS: 'none' }, noFiles).booking.publicHolidays).toBeNull();
  });
});

describe('.env.example', () => {
  const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
  const documented = [...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);

  it('documents every variable of the schema, and no other', () => {
    expect(documented.sort()).toEqual(variableList.map((v) => v.key).sort());
  });

  it('shows each default that the schema applies', () => {
    for (const v of variableList) {
      if (v.defaultValue) expect(example, v.key).toContain(`${v.key}=${v.defaultValue}`);
    }
  });

  it('is itself a valid configuration', () => {
    const env = Object.fromEntries([...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(() => loadConfig({ ...env, ONEFLEX_DESK_ID: '', ONEFLEX_SPACE_ID: '' }, noFiles)).not.toThrow();
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  it('has a configuration table row for every variable, with its default', () => {
    for (const v of variableList) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${v.key}\``));
      expect(row, v.key).toBeDefined();
      if (v.defaultValue) expect(row, v.key).toContain(`\`${v.defaultValue}\``);
    }
  });
});
