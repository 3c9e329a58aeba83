import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/bot.js';
import { LineCollector, createLogger } from '../../src/logger.js';
import { Heartbeat } from '../../src/notify/heartbeat.js';
import { SecretRegistry } from '../../src/secrets.js';
import { calendarDate, formatTimeOfDay, wallTime } from '../../src/time.js';
import { CaptureServer } from '../support/capture-server.js';
import { startHarness, type Harness } from '../support/harness.js';

const logger = createLogger({ level: 'debug', format: 'json', secrets: new SecretRegistry(), stream: new LineCollector() });
let server: CaptureServer | undefined;
let h: Harness | undefined;
let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  await h?.close();
  await server?.stop();
  bot = undefined;
  h = undefined;
  server = undefined;
});

describe('HEARTBEAT_URL', () => {
  it('pings the URL after a good run and its /fail form after a failed one', async () => {
    server = new CaptureServer('json');
    const base = await server.start();
    const heartbeat = new Heartbeat({ url: `${base}/ping/0a1b2c3d`, logger });
    expect(await heartbeat.ping(true, 'booking run: created=3')).toBe(true);
    expect(await heartbeat.ping(false, 'booking run: failed=1')).toBe(true);
    expect(server.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/ping/0a1b2c3d', 'booking run: created=3'],
      ['POST', '/ping/0a1b2c3d/fail', 'booking run: failed=1'],
    ]);
  });

  it('uses status=down for push URLs that take a status (Uptime Kuma)', () => {
    const heartbeat = new Heartbeat({ url: 'https://kuma.example/api/push/abc?status=up&msg=OK', logger });
    expect(heartbeat.urlFor(false)).toBe('https://kuma.example/api/push/abc?status=down&msg=OK');
    expect(heartbeat.urlFor(true)).toBe('https://kuma.example/api/push/abc?status=up&msg=OK');
  });

  it('retries a failing monitor twice, without real waiting, and never throws', async () => {
    server = new CaptureServer('json');
    const base = await server.start();
    server.answer({ kind: 'status', status: 502 }, { kind: 'reset' });
    const waits: number[] = [];
    const heartbeat = new Heartbeat({ url: `${base}/ping`, logger, sleep: async (ms) => void waits.push(ms) });
    expect(await heartbeat.ping(true, 'ok')).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([2000, 4000]);
    await server.stop();
    expect(await heartbeat.ping(true, 'ok')).toBe(false);
    server = undefined;
  });

  it('the scheduled bot pings after its run', async () => {
    const now = Date.now();
    const past = wallTime(now - 120_000, 'Europe/Paris');
    if (past.date !== calendarDate(now, 'Europe/Paris')) return; // just after midnight: no run was missed today
    server = new CaptureServer('json');
    const base = await server.start();
    h = await startHarness({ env: { RESERVATION_TIME: formatTimeOfDay(past), RECURRING_WEEKS: '1' } });
    bot = await startBot(h.app, { tokenCheckIntervalMs: 60_000, heartbeat: new Heartbeat({ url: `${base}/hc`, logger }) });
    await server.waitForAccepted(1, 8000);
    expect(server.requests[0]!.path).toBe('/hc');
    expect(server.requests[0]!.body).toMatch(/created=\d+/);
  });
});
