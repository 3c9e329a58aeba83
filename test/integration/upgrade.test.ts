/**
 * State written by version 0.1 (the fixtures in test/fixtures/state-v1, frozen: never edit them
 * to make a test pass) must be read by every later version: tokens, bookings made and cancelled,
 * runs, chat settings, disabled channels and pending notifications survive an upgrade.
 */
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { parseWebhookUrl } from '../../src/config/webhooks.js';
import { fingerprint } from '../../src/oneflex/token-store.js';
import { createNotifications } from '../../src/notify/setup.js';
import { CaptureServer } from '../support/capture-server.js';
import { USER, nextWeekdays, startHarness, type Harness } from '../support/harness.js';

const fixtures = new URL('../fixtures/state-v1/', import.meta.url);
let h: Harness | undefined;
let server: CaptureServer | undefined;
afterEach(async () => {
  await h?.close();
  await server?.stop();
  h = undefined;
  server = undefined;
});

async function fill(dir: string, replacements: Record<string, string>): Promise<void> {
  for (const name of ['tokens.json', 'bookings.json', 'settings.json', 'channels.json', ...(await readdir(path.join(dir, 'outbox'))).map((n) => `outbox/${n}`)]) {
    const file = path.join(dir, name);
    let text = await readFile(file, 'utf8');
    for (const [k, v] of Object.entries(replacements)) text = text.replaceAll(k, v);
    await writeFile(file, text);
  }
}

it('reads the state of version 0.1 after an upgrade', async () => {
  server = new CaptureServer('json');
  await server.start();
  const live = `json+${server.baseUrl}/hook-after-upgrade`;
  const dead = 'discord+http://127.0.0.1:9/api/webhooks/1/dead';
  h = await startHarness();
  const [made, cancelled, vacation, free] = nextWeekdays(4);
  // The tokens a user had saved under 0.1 (newer than the configured ones, which they replaced).
  const saved = h.sandbox.issueTokens(USER);
  await cp(fileURLToPath(fixtures), h.stateDir, { recursive: true });
  await fill(h.stateDir, {
    __ACCESS__: saved.accessToken,
    __REFRESH__: saved.refreshToken,
    __FINGERPRINT__: fingerprint({ accessToken: h.tokens.accessToken, refreshToken: h.tokens.refreshToken }),
    __MADE__: made!,
    __CANCELLED__: cancelled!,
    __VACATION__: vacation!,
    __DEAD_ID__: (parseWebhookUrl(dead) as { id: string }).id,
    __LIVE_ID__: (parseWebhookUrl(live) as { id: string }).id,
  });

  const app = await h.restart({ NOTIFICATION_WEBHOOK_URL: `${live},${dead}` });
  expect(app.tokens.status().lastRefreshAt).toBe('2026-11-20T06:00:00.000Z'); // tokens.json read
  const report = await app.runner.run({ mode: { kind: 'dates', dates: [made!, cancelled!, vacation!, free!] } });
  const byDate = Object.fromEntries(report.outcomes.map((o) => [o.date, o]));
  expect(byDate[made!]).toMatchObject({ status: 'skipped', reason: 'cancelled-by-user' }); // made by 0.1, gone since: the user's decision
  expect(byDate[cancelled!]).toMatchObject({ status: 'skipped', reason: 'cancelled-by-user' });
  expect(byDate[vacation!]).toMatchObject({ status: 'skipped', reason: 'vacation' }); // settings.json
  expect(byDate[free!]).toMatchObject({ status: 'created' });
  expect((await app.runLog.read()).lastRun?.day).toBe('2026-11-20');
  expect(h.sandbox.requests.some((r) => r.authorization?.includes(saved.accessToken) ?? false)).toBe(true);

  const { dispatcher } = createNotifications({ config: app.config, logger: app.logger });
  await dispatcher.start();
  const accepted = await server.waitForAccepted(1); // the event 0.1 left in its outbox
  expect(accepted[0]!.json).toMatchObject({ event: 'booking-failure' });
  expect(dispatcher.health().find((c) => c.label.startsWith('discord'))?.state).toBe('disabled');
  await dispatcher.drain(2000);
  await dispatcher.stop();
});
