/**
 * `oneflex-bot demo`: the built-in OneFlex sandbox on a free loopback port, a demo user whose
 * first favourite desk is taken by a colleague on some days, and the normal booking job run
 * against it. Prints the per-date table and the notifications it would send; touches nothing of
 * the user's (its state lives in a temporary folder, deleted afterwards).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, scheduledMode } from './app.js';
import { renderRunReport } from './cli/output.js';
import { loadConfig } from './config/config.js';
import { translator, type Locale } from './i18n.js';
import type { Logger } from './logger.js';
import { buildMessage } from './notify/compose.js';
import { MemoryEventSink } from './notify/events.js';
import { renderLine } from './notify/render/text.js';
import { DEMO_USER_ID, OneFlexSandbox, demoSeed } from './sandbox/index.js';
import { SecretRegistry } from './secrets.js';
import { calendarDate } from './time.js';

export interface DemoOptions {
  readonly locale: Locale;
  readonly timeZone: string;
  readonly json: boolean;
  readonly print: (text: string) => void;
  readonly logger: Logger;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const today = calendarDate(Date.now(), options.timeZone);
  const sandbox = new OneFlexSandbox({ seed: demoSeed(today), timeZone: options.timeZone });
  const stateDir = await mkdtemp(path.join(tmpdir(), 'oneflex-demo-'));
  try {
    const url = await sandbox.start();
    const tokens = sandbox.issueTokens(DEMO_USER_ID);
    const config = loadConfig(
      {
        ONEFLEX_URL: url,
        ONEFLEX_TOKEN: tokens.accessToken,
        ONEFLEX_REFRESH_TOKEN: tokens.refreshToken,
        RECURRING_WEEKS: '4',
        STATE_DIR: stateDir,
        BOT_LOCALE: options.locale,
        BOT_TIMEZONE: options.timeZone,
      },
      { readSecretFile: () => '' },
    );
    const secrets = new SecretRegistry(config.secrets);
    const events = new MemoryEventSink();
    const app = await createApp({ config, logger: options.logger, secrets, events });
    const me = await app.client.whoAmI();
    const report = await app.runner.run({ mode: scheduledMode(config) });
    if (options.json) {
      options.print(JSON.stringify({ sandbox: url, user: me.name, report, events: events.events }, null, 2));
      return 0;
    }
    const t = translator(options.locale);
    options.print(t('demo.title', { url, user: me.name, today }));
    options.print('');
    options.print(renderRunReport(report, t, options.locale));
    options.print('');
    options.print(t('demo.events'));
    options.print(events.events.length ? events.events.map((e) => `  ${renderLine(buildMessage(e, { locale: options.locale, timeZone: options.timeZone }))}`).join('\n') : `  ${t('demo.none')}`);
    return 0;
  } finally {
    await sandbox.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}
