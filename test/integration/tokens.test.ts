import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OneFlexError } from '../../src/oneflex/errors.js';
import { TokenStore } from '../../src/oneflex/token-store.js';
import { TokenManager } from '../../src/oneflex/token-manager.js';
import { fetchPost } from '../../src/oneflex/http.js';
import { createLogger, LineCollector } from '../../src/logger.js';
import { MemoryEventSink } from '../../src/notify/events.js';
import { SecretRegistry } from '../../src/secrets.js';
import { systemClock } from '../../src/time.js';
import { USER, nextWeekdays, startHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const refreshes = (h: Harness) => h.sandbox.requests.filter((r) => r.operationName === 'token').length;

describe('token lifecycle against the sandbox', () => {
  it('20 concurrent requests on an expired access token share one refresh', async () => {
    h = await startHarness({ tokens: (s) => s.issueTokens(USER, { accessTtlSeconds: -60 }) });
    h.sandbox.clearRequests();
    const dates = nextWeekdays(20);
    const results = await Promise.all(dates.map((d) => h!.app.client.affectations([d])));
    expect(results).toHaveLength(20);
    expect(refreshes(h)).toBe(1);
    expect(h.sandbox.requests.filter((r) => r.status === 401)).toHaveLength(0); // refreshed before, not after a 401
  });

  it('20 concurrent callers asking for a token while it is expired share one refresh', async () => {
    h = await startHarness({ tokens: (s) => s.issueTokens(USER, { accessTtlSeconds: -60 }) });
    h.sandbox.clearRequests();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => h!.app.tokens.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes(h)).toBe(1);
  });

  it('20 concurrent requests refused with 401 share one refresh and all succeed', async () => {
    h = await startHarness();
    await h.app.client.whoAmI(); // user id cached: the 20 reads go out at once
    h.sandbox.revokeAccessTokens(USER);
    h.sandbox.clearRequests();
    const dates = nextWeekdays(20);
    await Promise.all(dates.map((d) => h!.app.client.affectations([d])));
    expect(refreshes(h)).toBe(1);
    expect(h.sandbox.requests.filter((r) => r.operationName === 'affectationsByUserAndDates' && r.status === 200)).toHaveLength(20);
  });

  it('refreshes once on a 401 and retries the request once', async () => {
    h = await startHarness();
    h.sandbox.revokeAccessTokens(USER);
    h.sandbox.clearRequests();
    await h.app.client.whoAmI();
    expect(h.sandbox.requests.map((r) => [r.operationName, r.status])).toEqual([
      ['me', 401],
      ['token', 200],
      ['me', 200],
    ]);
  });

  it('keeps a rotated refresh token, saves it (mode 0600) and uses it next time', async () => {
    h = await startHarness({ sandbox: { rotateRefreshTokens: true } });
    await h.app.tokens.refresh();
    const saved = JSON.parse(await readFile(path.join(h.stateDir, 'tokens.json'), 'utf8')) as { refreshToken: string; version: number };
    expect(saved.version).toBe(1);
    expect(saved.refreshToken).not.toBe(h.tokens.refreshToken);
    expect((await stat(path.join(h.stateDir, 'tokens.json'))).mode & 0o777).toBe(0o600);
    await h.app.tokens.refresh(); // the old refresh token is dead now: this works only with the new one
    expect(h.events.events).toHaveLength(0);
    // A restart with the same (now outdated) configuration uses the saved tokens.
    const again = await h.restart();
    await again.tokens.refresh();
    expect(h.events.events.filter((e) => e.type === 'token-expired')).toHaveLength(0);
  });

  it('after a restart, tokens the user edited by hand win over the saved ones', async () => {
    h = await startHarness();
    await h.app.tokens.refresh();
    const fresh = h.sandbox.issueTokens(USER);
    const restarted = await h.restart({ ONEFLEX_TOKEN: fresh.accessToken, ONEFLEX_REFRESH_TOKEN: fresh.refreshToken });
    h.sandbox.revokeRefreshTokens(); // only the hand-edited pair's access token still works...
    h.sandbox.clearRequests();
    await restarted.client.whoAmI();
    expect(h.sandbox.requests[0]?.authorization).toBe(`Bearer ${fresh.accessToken}`);
  });

  it('opens ONE incident when the SSO session ends, makes no more calls, and closes it with new tokens', async () => {
    h = await startHarness();
    h.sandbox.revokeRefreshTokens(USER);
    h.sandbox.revokeAccessTokens(USER);
    h.sandbox.clearRequests();
    for (let i = 0; i < 5; i++) {
      await expect(h.app.client.affectations(nextWeekdays(1))).rejects.toMatchObject({ code: 'auth_required' });
    }
    expect(h.events.events.map((e) => e.type)).toEqual(['token-expired']);
    const callsWhileDead = h.sandbox.requests.length;
    expect(callsWhileDead).toBe(2); // the 401 and the refused refresh; then nothing
    await expect(h.app.client.affectations(nextWeekdays(1))).rejects.toBeInstanceOf(OneFlexError);
    expect(h.sandbox.requests.length).toBe(callsWhileDead);

    const fresh = h.sandbox.issueTokens(USER);
    const user = await h.app.tokens.replaceTokens(fresh);
    expect(user.name).toBe('Alice Martin');
    expect(h.events.events.map((e) => e.type)).toEqual(['token-expired', 'token-restored']);
    await expect(h.app.client.affectations(nextWeekdays(1))).resolves.toEqual([]);
  });

  it('an incident survives a restart without a second alert', async () => {
    h = await startHarness();
    h.sandbox.revokeRefreshTokens(USER);
    h.sandbox.revokeAccessTokens(USER);
    await expect(h.app.client.whoAmI()).rejects.toMatchObject({ code: 'auth_required' });
    const restarted = await h.restart();
    h.sandbox.clearRequests();
    await expect(restarted.client.whoAmI()).rejects.toMatchObject({ code: 'auth_required' });
    expect(h.sandbox.requests).toHaveLength(0);
    expect(h.events.events.filter((e) => e.type === 'token-expired')).toHaveLength(1);
  });

  it('picks up tokens that another process (token set) saved, closing the incident', async () => {
    h = await startHarness();
    h.sandbox.revokeRefreshTokens(USER);
    h.sandbox.revokeAccessTokens(USER);
    await expect(h.app.client.whoAmI()).rejects.toMatchObject({ code: 'auth_required' });
    const other = await h.restart(); // `oneflex-bot token set` in another process
    await other.tokens.replaceTokens(h.sandbox.issueTokens(USER));
    expect(await h.app.tokens.reloadFromStore()).toBe(true);
    expect(h.events.events.map((e) => e.type)).toEqual(['token-expired', 'token-restored']); // announced once
    await expect(h.app.client.whoAmI()).resolves.toMatchObject({ name: 'Alice Martin' });
  });

  it('without a refresh token, an expired access token is one incident, not a crash', async () => {
    h = await startHarness({ tokens: (s) => ({ accessToken: s.issueTokens(USER, { accessTtlSeconds: -5 }).accessToken, refreshToken: '' }) });
    await expect(h.app.client.whoAmI()).rejects.toMatchObject({ code: 'auth_required' });
    await expect(h.app.client.whoAmI()).rejects.toMatchObject({ code: 'auth_required' });
    expect(h.events.events).toHaveLength(1);
    expect(h.events.events[0]).toMatchObject({ type: 'token-expired', data: { reason: 'no-refresh-token' } });
  });

  it('refuses garbage tokens given by a person, storing nothing', async () => {
    h = await startHarness();
    const before = await readFile(path.join(h.stateDir, 'tokens.json'), 'utf8');
    await expect(h.app.tokens.replaceTokens({ accessToken: 'garbage', refreshToken: 'nonsense' })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await readFile(path.join(h.stateDir, 'tokens.json'), 'utf8')).toBe(before);
  });

  it('writes refreshed tokens into the .env they came from, keeping every other line', async () => {
    h = await startHarness();
    const envFile = path.join(h.stateDir, '.env');
    await writeFile(envFile, `# mine\nONEFLEX_TOKEN=${h.tokens.accessToken}\nONEFLEX_REFRESH_TOKEN=${h.tokens.refreshToken}\nRESERVATION_TIME=00:01\n`);
    const secrets = new SecretRegistry();
    const store = new TokenStore({ stateDir: h.stateDir, configured: h.tokens, envFile, now: () => new Date() });
    const tokens = new TokenManager({
      baseUrl: h.sandbox.url,
      timeoutMs: 2000,
      post: fetchPost,
      store,
      clock: systemClock,
      events: new MemoryEventSink(),
      logger: createLogger({ level: 'error', format: 'json', secrets, stream: new LineCollector() }),
      secrets,
    });
    await tokens.init();
    h.sandbox.setRotateRefreshTokens(true);
    await tokens.refresh();
    const text = await readFile(envFile, 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe('# mine');
    expect(lines[1]).toMatch(/^ONEFLEX_TOKEN=eyJ/);
    expect(lines[1]).not.toBe(`ONEFLEX_TOKEN=${h.tokens.accessToken}`);
    expect(lines[2]).not.toBe(`ONEFLEX_REFRESH_TOKEN=${h.tokens.refreshToken}`);
    expect(lines[3]).toBe('RESERVATION_TIME=00:01');
  });
});
