import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DateOutcome } from '../../src/booking/runner.js';
import { COLLEAGUE, USER, nextWeekdays, startHarness, today, type Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const recurring = { kind: 'recurring', weeks: 4 } as const;
const byStatus = (outcomes: readonly DateOutcome[], status: DateOutcome['status']) => outcomes.filter((o) => o.status === status);
const ops = (h: Harness) => h.sandbox.requests.map((r) => r.operationName);

describe('booking runs against the sandbox', () => {
  it('books every office day of 4 weeks in 23 requests, the user id fetched once and bookings read in one query', async () => {
    h = await startHarness();
    h.sandbox.clearRequests();
    const report = await h.app.runner.run({ mode: recurring });
    expect(byStatus(report.outcomes, 'created')).toHaveLength(20);
    const seen = ops(h);
    expect(seen.filter((o) => o === 'me')).toHaveLength(1);
    expect(seen.filter((o) => o === 'affectationsByUserAndDates')).toHaveLength(1);
    expect(seen.filter((o) => o === 'createAffectation')).toHaveLength(20);
    expect(seen.length).toBeLessThanOrEqual(23);
    const mine = h.sandbox.affectations(USER).filter((a) => a.active);
    expect(mine).toHaveLength(40); // morning + afternoon
    expect(h.events.events.map((e) => e.type)).toEqual(['booking-success']);
    expect(h.events.events[0]).toMatchObject({ type: 'booking-success', data: { bookings: expect.any(Array) } });
  });

  it('skips a public holiday, computed by date-holidays when the first run plans', async () => {
    h = await startHarness({ env: { PUBLIC_HOLIDAYS: 'FR' }, clock: { now: () => Date.parse('2026-12-21T08:00:00Z') } });
    const report = await h.app.runner.run({ mode: { kind: 'dates', dates: ['2026-12-25'] }, dryRun: true });
    expect(report.outcomes).toEqual([expect.objectContaining({ date: '2026-12-25', status: 'skipped', reason: 'holiday', detail: 'Noël' })]);
  });

  it('sends the date that opens today first', async () => {
    h = await startHarness();
    h.sandbox.clearRequests();
    await h.app.runner.run({ mode: recurring });
    const first = h.sandbox.requests.find((r) => r.operationName === 'createAffectation');
    const firstBooked = h.sandbox.affectations(USER).sort((a, b) => Number(a.id.replace(/\D/g, '')) - Number(b.id.replace(/\D/g, '')))[0];
    expect(first).toBeDefined();
    expect(firstBooked?.date).toBe(nextWeekdays(20).at(-1));
  });

  it('a second run finds everything booked: 2 requests, no new booking, no notification', async () => {
    h = await startHarness();
    await h.app.runner.run({ mode: recurring });
    const again = await h.restart(); // a new process: the user id is fetched again, once
    h.sandbox.clearRequests();
    h.events.events.length = 0;
    const report = await again.runner.run({ mode: recurring });
    expect(byStatus(report.outcomes, 'already-booked')).toHaveLength(20);
    expect(h.sandbox.requests.length).toBeLessThanOrEqual(3);
    expect(h.events.events).toEqual([]);
  });

  it('falls back to the next favourite when the first is taken, in recurring mode', async () => {
    h = await startHarness();
    const [d1, d2] = nextWeekdays(2);
    h.sandbox.addAffectation({ userId: COLLEAGUE, date: d1!, moment: 'MORNING', deskId: 'd-a', spaceId: 's-1' });
    h.sandbox.addAffectation({ userId: COLLEAGUE, date: d2!, moment: 'AFTERNOON', deskId: 'd-a', spaceId: 's-1' });
    h.sandbox.addAffectation({ userId: COLLEAGUE, date: d2!, moment: 'MORNING', deskId: 'd-b', spaceId: 's-1' });
    const report = await h.app.runner.run({ mode: recurring });
    const desk = (d: string) => report.outcomes.find((o) => o.date === d && o.status === 'created');
    expect(desk(d1!)).toMatchObject({ desk: { deskName: 'B-02' } });
    expect(desk(d2!)).toMatchObject({ desk: { deskName: 'C-03' } });
    expect(byStatus(report.outcomes, 'created').filter((o) => o.status === 'created' && o.desk.deskName === 'A-01')).toHaveLength(18);
  });

  it('reports a failure when every desk is taken, and books the other dates', async () => {
    h = await startHarness();
    const [d1] = nextWeekdays(1);
    for (const deskId of ['d-a', 'd-b', 'd-c']) h.sandbox.addAffectation({ userId: COLLEAGUE, date: d1!, moment: 'MORNING', deskId, spaceId: 's-1' });
    const report = await h.app.runner.run({ mode: recurring });
    expect(report.outcomes.find((o) => o.date === d1)).toMatchObject({ status: 'failed', code: 'desk_unavailable' });
    expect(byStatus(report.outcomes, 'created')).toHaveLength(19);
    const failure = h.events.events.find((e) => e.type === 'booking-failure');
    expect(failure).toMatchObject({ data: { failures: [{ date: d1, code: 'desk_unavailable' }] } });
  });

  it('leaves alone a date that holds a booking without a desk (remote work), and reports it', async () => {
    h = await startHarness();
    const [d1, d2] = nextWeekdays(2);
    h.sandbox.addAffectation({ userId: USER, date: d1!, moment: 'MORNING', deskId: null, spaceId: null, type: 'REMOTE', description: 'Télétravail' });
    h.sandbox.addAffectation({ userId: USER, date: d2!, moment: 'AFTERNOON', deskId: 'd-x', spaceId: 's-2' });
    const report = await h.app.runner.run({ mode: recurring });
    expect(report.outcomes.find((o) => o.date === d1)).toMatchObject({ status: 'already-booked', desk: { deskName: null } });
    expect(report.outcomes.find((o) => o.date === d2)).toMatchObject({ status: 'already-booked', desk: { deskName: 'X-99' } });
    expect(h.sandbox.affectations(USER).filter((a) => a.date === d1)).toHaveLength(1);
  });

  it('a lost answer after the booking was made is reported created, and nothing is booked twice', async () => {
    h = await startHarness({ env: { RECURRING_WEEKS: '0', RESERVATION_DAYS_AHEAD: '7', RESERVATION_DAYS_OF_WEEK: '1-7' } });
    h.sandbox.addFault({ match: 'createAffectation', kind: 'apply-then-status', status: 502 });
    const report = await h.app.runner.run({ mode: { kind: 'single', daysAhead: 7 } });
    expect(report.outcomes).toEqual([expect.objectContaining({ status: 'created', recovered: true })]);
    expect(h.sandbox.affectations(USER).filter((a) => a.active)).toHaveLength(2);
    expect(h.sandbox.requests.filter((r) => r.operationName === 'createAffectation')).toHaveLength(1);
  });

  it('a reset connection after the booking was made is recovered the same way', async () => {
    h = await startHarness();
    const [d1] = nextWeekdays(1);
    h.sandbox.addFault({ match: 'createAffectation', kind: 'apply-then-reset' });
    const report = await h.app.runner.run({ mode: { kind: 'dates', dates: [d1!] } });
    expect(report.outcomes[0]).toMatchObject({ status: 'created', recovered: true });
    expect(h.sandbox.affectations(USER).filter((a) => a.active)).toHaveLength(2);
  });

  it('a booking refused with a 503 before it was made is sent again after checking, once', async () => {
    h = await startHarness();
    const [d1] = nextWeekdays(1);
    h.sandbox.addFault({ match: 'createAffectation', kind: 'status', status: 503 });
    const report = await h.app.runner.run({ mode: { kind: 'dates', dates: [d1!] } });
    expect(report.outcomes[0]).toMatchObject({ status: 'created', recovered: false });
    expect(ops(h).filter((o) => o === 'createAffectation')).toHaveLength(2);
    expect(h.sandbox.affectations(USER).filter((a) => a.active)).toHaveLength(2);
  });

  it('retries reads on 5xx', async () => {
    h = await startHarness();
    h.sandbox.addFault({ match: 'affectationsByUserAndDates', kind: 'status', status: 500, times: 2 });
    const report = await h.app.runner.run({ mode: recurring });
    expect(byStatus(report.outcomes, 'created')).toHaveLength(20);
  });

  it('gives up on a hanging server after the timeout, with a clear failure', async () => {
    h = await startHarness({ env: { ONEFLEX_TIMEOUT_SECONDS: '1' } });
    await h.app.client.whoAmI();
    h.sandbox.addFault({ match: 'affectationsByUserAndDates', kind: 'hang', times: 10 });
    const started = Date.now();
    await expect(h.app.runner.run({ mode: recurring })).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('when the SSO session ends in the middle of a run: one token-expired event, failures reported, no crash', async () => {
    h = await startHarness({ env: { BOOKING_CONCURRENCY: '4' } });
    await h.app.client.whoAmI();
    h.sandbox.revokeRefreshTokens(USER);
    h.sandbox.addFault({ match: 'createAffectation', kind: 'delay', delayMs: 50, times: 2 });
    const run = h.app.runner.run({ mode: recurring });
    await new Promise((r) => setTimeout(r, 20));
    h.sandbox.revokeAccessTokens(USER);
    const report = await run;
    expect(h.events.events.filter((e) => e.type === 'token-expired')).toHaveLength(1);
    const failed = byStatus(report.outcomes, 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((o) => o.status === 'failed' && o.code === 'auth_required')).toBe(true);
    expect(h.events.events.filter((e) => e.type === 'booking-failure')).toHaveLength(1);
  });

  it('skips vacations and never re-books a booking the user cancelled', async () => {
    const [d1, d2, d3] = nextWeekdays(3);
    h = await startHarness({ env: { VACATION_DATES: `${d2}` } });
    await h.app.runner.run({ mode: recurring });
    const mine = h.sandbox.affectations(USER).filter((a) => a.date === d1);
    expect(mine).toHaveLength(2);
    // The user cancels d1 in the OneFlex app.
    const other = await h.restart();
    for (const a of mine) await other.client.cancel(a.id);
    const report = await h.app.runner.run({ mode: recurring });
    expect(report.outcomes.find((o) => o.date === d1)).toMatchObject({ status: 'skipped', reason: 'cancelled-by-user' });
    expect(report.outcomes.find((o) => o.date === d2)).toMatchObject({ status: 'skipped', reason: 'vacation' });
    expect(report.outcomes.find((o) => o.date === d3)).toMatchObject({ status: 'already-booked' });
    const again = await h.app.runner.run({ mode: recurring });
    expect(again.outcomes.find((o) => o.date === d1)).toMatchObject({ status: 'skipped', reason: 'cancelled-by-user' });
  });

  it('AUTO_CANCEL_VACATIONS cancels only the bot’s own bookings inside a vacation', async () => {
    const [d1, d2] = nextWeekdays(2);
    h = await startHarness();
    await h.app.runner.run({ mode: recurring });
    h.sandbox.addAffectation({ userId: USER, date: nextWeekdays(30).at(-1)!, moment: 'MORNING', deskId: 'd-x', spaceId: 's-2' });
    const later = await h.restart({ VACATION_DATES: `${d1}:${d2}`, AUTO_CANCEL_VACATIONS: 'true' });
    h.events.events.length = 0;
    const report = await later.runner.run({ mode: recurring });
    expect(byStatus(report.outcomes, 'cancelled').map((o) => o.date)).toEqual([d1, d2]);
    expect(h.sandbox.affectations(USER).filter((a) => a.active && (a.date === d1 || a.date === d2))).toHaveLength(0);
    expect(h.events.events.map((e) => e.type)).toEqual(['vacation-cancellation']);
  });

  it('--dry-run shows the plan and changes nothing', async () => {
    h = await startHarness();
    const report = await h.app.runner.run({ mode: recurring, dryRun: true });
    expect(byStatus(report.outcomes, 'would-book')).toHaveLength(20);
    expect(report.outcomes[0]).toMatchObject({ desk: { deskName: 'A-01' } });
    expect(h.sandbox.affectations(USER)).toHaveLength(0);
    expect(ops(h)).not.toContain('createAffectation');
    expect(h.events.events).toEqual([]);
  });

  it('books ONEFLEX_DESK_ID first, and falls back to the favourites when it is taken', async () => {
    h = await startHarness({ env: { ONEFLEX_DESK_ID: 'd-x', ONEFLEX_SPACE_ID: 's-2', ONEFLEX_DESK_NAME: 'X-99' } });
    const [d1] = nextWeekdays(1);
    h.sandbox.addAffectation({ userId: COLLEAGUE, date: d1!, moment: 'MORNING', deskId: 'd-x', spaceId: 's-2' });
    h.sandbox.clearRequests();
    const report = await h.app.runner.run({ mode: recurring });
    expect(report.outcomes.find((o) => o.date === d1)).toMatchObject({ status: 'created', desk: { deskName: 'A-01' } });
    expect(byStatus(report.outcomes, 'created').filter((o) => o.status === 'created' && o.desk.deskName === 'X-99')).toHaveLength(19);
  });

  it('without favourites, books the desk booked most over the last 90 days', async () => {
    const past = (n: number) => {
      const d = new Date(`${today()}T12:00:00Z`);
      d.setUTCDate(d.getUTCDate() - n);
      return d.toISOString().slice(0, 10);
    };
    h = await startHarness({
      sandbox: {
        seed: {
          users: [{ id: USER, email: 'a@example.com', firstName: 'Alice', lastName: 'Martin' }],
          desks: [
            { id: 'd-a', name: 'A-01', spaceId: 's-1', spaceName: 'Open space 3F' },
            { id: 'd-b', name: 'B-02', spaceId: 's-1', spaceName: 'Open space 3F' },
          ],
          favorites: {},
          affectations: [
            { userId: USER, date: past(3), moment: 'MORNING', deskId: 'd-b', spaceId: 's-1' },
            { userId: USER, date: past(3), moment: 'AFTERNOON', deskId: 'd-b', spaceId: 's-1' },
            { userId: USER, date: past(10), moment: 'MORNING', deskId: 'd-b', spaceId: 's-1' },
            { userId: USER, date: past(20), moment: 'MORNING', deskId: 'd-a', spaceId: 's-1' },
          ],
        },
      },
    });
    const report = await h.app.runner.run({ mode: { kind: 'dates', dates: nextWeekdays(1) } });
    expect(report.outcomes[0]).toMatchObject({ status: 'created', desk: { deskName: 'B-02' } });
  });

  it('sends the morning reminder with today’s desk, or says nothing is booked', async () => {
    h = await startHarness();
    await h.app.runner.remind();
    h.sandbox.addAffectation({ userId: USER, date: today(), moment: 'MORNING', deskId: 'd-b', spaceId: 's-1' });
    h.sandbox.addAffectation({ userId: USER, date: today(), moment: 'AFTERNOON', deskId: 'd-b', spaceId: 's-1' });
    await h.app.runner.remind();
    expect(h.events.events.map((e) => e.data)).toEqual([
      { date: today(), bookings: [] },
      { date: today(), bookings: [{ date: today(), deskName: 'B-02', spaceName: 'Open space 3F', moments: ['MORNING', 'AFTERNOON'] }] },
    ]);
  });

  it('cancel remembers that the user cancelled, so the next run does not re-book', async () => {
    h = await startHarness();
    const [d1] = nextWeekdays(1);
    await h.app.runner.run({ mode: recurring });
    const cancelled = await h.app.runner.cancelDate(d1!);
    expect(cancelled).toEqual([expect.objectContaining({ date: d1, deskName: 'A-01' })]);
    const state = JSON.parse(await readFile(path.join(h.stateDir, 'bookings.json'), 'utf8')) as { cancelledByUser: Record<string, string> };
    expect(Object.keys(state.cancelledByUser)).toEqual([d1]);
    const report = await h.app.runner.run({ mode: recurring });
    expect(report.outcomes.find((o) => o.date === d1)).toMatchObject({ status: 'skipped', reason: 'cancelled-by-user' });
  });

  it('books with bounded concurrency: never more than BOOKING_CONCURRENCY creates at once', async () => {
    h = await startHarness({ env: { BOOKING_CONCURRENCY: '3' } });
    h.sandbox.addFault({ match: 'createAffectation', kind: 'delay', delayMs: 30, times: 20 });
    let inFlight = 0;
    let max = 0;
    const pending = new Set<string>();
    h.sandbox.onRequest((r) => {
      if (r.operationName === 'createAffectation') {
        inFlight++;
        max = Math.max(max, inFlight);
        pending.add(String(r.at));
        setTimeout(() => inFlight--, 25);
      }
    });
    await h.app.runner.run({ mode: recurring });
    expect(max).toBeLessThanOrEqual(3);
    expect(max).toBeGreaterThan(1);
  });
});
