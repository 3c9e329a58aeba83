import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/bot.js';
import { addDays, calendarDate, formatTimeOfDay, wallTime } from '../../src/time.js';
import { USER, startHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;
let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await h?.close();
  h = undefined;
});

const paris = 'Europe/Paris';
const runsFile = async (h: Harness) =>
  JSON.parse(await readFile(path.join(h.stateDir, 'runs.json'), 'utf8')) as { version: number; lastRun: { day: string; finishedAt: string | null; ok: boolean } };

function waitFor<T>(probe: () => T | undefined, timeoutMs = 8000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('the scheduled bot', () => {
  it('prepares before the instant, so the booking is the first request sent at the instant itself', async () => {
    const instant = (Math.floor(Date.now() / 1000) + 2) * 1000;
    h = await startHarness({ env: { RESERVATION_TIME: formatTimeOfDay(wallTime(instant, paris)), RECURRING_WEEKS: '4' } });
    h.sandbox.clearRequests();
    bot = await startBot(h.app, { prepareLeadMs: 1500, warmLeadMs: 500, tokenCheckIntervalMs: 60_000 });
    const firstCreate = await waitFor(() => h!.sandbox.requests.find((r) => r.operationName === 'createAffectation'));
    expect(firstCreate.at).toBeGreaterThanOrEqual(instant - 5);
    const before = h.sandbox.requests.filter((r) => r.at < instant - 5).map((r) => r.operationName);
    expect(before).toContain('token'); // refreshed before the run
    expect(before).toContain('userFavoriteSpacesAndDesks');
    expect(before).toContain('affectationsByUserAndDates');
    const atInstant = h.sandbox.requests.filter((r) => r.at >= instant - 5);
    expect(atInstant[0]?.operationName).toBe('createAffectation');
    await waitFor(() => (h!.events.events.some((e) => e.type === 'booking-success') ? true : undefined));
    const recorded = await runsFile(h);
    expect(recorded.version).toBe(1);
    expect(recorded.lastRun.day).toBe(calendarDate(instant, paris));
  });

  it('catches up a run missed while the bot was down, and never runs the same day twice', async () => {
    const now = Date.now();
    const past = wallTime(now - 3_600_000, paris);
    h = await startHarness({ env: { RESERVATION_TIME: formatTimeOfDay(past), RECURRING_WEEKS: '1' } });
    if (past.date !== calendarDate(now, paris)) return; // within the first hour of the day: nothing was missed today
    bot = await startBot(h.app, { tokenCheckIntervalMs: 60_000 });
    const recorded = await runsFile(h);
    expect(recorded.lastRun).toMatchObject({ day: calendarDate(now, paris), ok: true });
    expect(recorded.lastRun.finishedAt).not.toBeNull();
    await bot.stop();
    h.sandbox.clearRequests();
    bot = await startBot(await h.restart(), { tokenCheckIntervalMs: 60_000 });
    expect(h.sandbox.requests.map((r) => r.operationName)).not.toContain('createAffectation');
    expect(h.sandbox.requests.map((r) => r.operationName)).not.toContain('affectationsByUserAndDates');
  });

  it('in single-date mode, a catch-up also books the dates of the days it missed', async () => {
    const now = Date.now();
    const past = wallTime(now - 3_600_000, paris);
    h = await startHarness({ env: { RESERVATION_TIME: formatTimeOfDay(past), RECURRING_WEEKS: '0', RESERVATION_DAYS_AHEAD: '7', RESERVATION_DAYS_OF_WEEK: '1-7' } });
    if (past.date !== calendarDate(now, paris)) return;
    const today = calendarDate(now, paris);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      path.join(h.stateDir, 'runs.json'),
      JSON.stringify({ version: 1, lastRun: { day: addDays(today, -3), startedAt: 'x', finishedAt: 'y', counts: null, ok: true }, lastReminderDay: null }),
    );
    bot = await startBot(h.app, { tokenCheckIntervalMs: 60_000 });
    const booked = [...new Set(h.sandbox.affectations(USER).filter((a) => a.active).map((a) => a.date))].sort();
    expect(booked).toEqual([addDays(today, 5), addDays(today, 6), addDays(today, 7)]);
  });

  it('announces the next run and reminder', async () => {
    h = await startHarness({ env: { RESERVATION_TIME: '00:00:05', REMINDER_TIME: '08:30' } });
    bot = await startBot(h.app, { tokenCheckIntervalMs: 60_000 });
    const next = bot.next();
    expect(wallTime(Date.parse(next.run!), paris)).toMatchObject({ hour: 0, minute: 0, second: 5 });
    expect(wallTime(Date.parse(next.reminder!), paris)).toMatchObject({ hour: 8, minute: 30, second: 0 });
    expect(Date.parse(next.run!)).toBeGreaterThan(Date.now());
  });
});
