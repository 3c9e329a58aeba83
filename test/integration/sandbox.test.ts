/**
 * The OneFlex sandbox over real HTTP on 127.0.0.1: what `oneflex-api.md` says the real server
 * does, and the faults tests can inject. The documents below are copied from `oneflex-api.md`,
 * not from the client, so the sandbox is checked against the notes alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_COLLEAGUE_ID,
  DEMO_USER_ID,
  OneFlexSandbox,
  demoSeed,
  type SandboxOptions,
  type SandboxRequestRecord,
  type SandboxSeed,
} from '../../src/sandbox/index.js';

const ALICE = 'u-alice';
const BOB = 'u-bob';
// Tuesday 10 March 2026, 10:00 in Paris: today is 2026-03-10, the last open day 2026-04-07.
const NOW = Date.parse('2026-03-10T09:00:00Z');
const TODAY = '2026-03-10';

const ME = `query { me(languages: ["fr-FR","fr"], defaultTimezone: "Europe/Paris") { __typename id email firstName lastName fullName } }`;
const FAVORITES = `query userFavoriteSpacesAndDesks($userId: UserIdType!) { user(idV2: $userId) { id favoriteSpacesAndDesks { id space { id name } desk { id name } } } }`;
const AFFECTATIONS = `query affectationsByUserAndDates($userId: UserIdType!, $affectationsFilter: GetAffectationsFilter!) { user(idV2: $userId) { id affectations(affectationFilter: $affectationsFilter) { id date moment active type description desk { id name coordinates } space { id name inheritedName serviceType } } } }`;
const CREATE = `mutation createAffectation($data: CreateSimpleAffectationInput!) { createAffectation(data: $data) { id userId guestId deskId spaceId services { id type parkingSpotId } } }`;
const DELETE = `mutation deleteAffectation($affectationId: ID!, $deleteGuestsOf: Boolean!) { deleteAffectation(affectationId: $affectationId, deleteGuestsOf: $deleteGuestsOf) { success } }`;

const userId = (id: string) => ({ id, type: 'Internal' });

function testSeed(): SandboxSeed {
  return {
    users: [
      { id: ALICE, email: 'alice@example.com', firstName: 'Alice', lastName: 'Martin' },
      { id: BOB, email: 'bob@example.com', firstName: 'Bob', lastName: 'Durand' },
    ],
    desks: [
      { id: 'd-a', name: 'A-01', spaceId: 's-1', spaceName: 'Open space 3F' },
      { id: 'd-b', name: 'B-02', spaceId: 's-1', spaceName: 'Open space 3F' },
      { id: 'd-c', name: 'C-03', spaceId: 's-2', spaceName: 'Open space 4F' },
    ],
    favorites: {
      [ALICE]: [{ spaceId: 's-2' }, { spaceId: 's-1', deskId: 'd-a' }, { spaceId: 's-1', deskId: 'd-b' }, { spaceId: 's-2', deskId: 'd-c' }],
    },
    affectations: [
      { id: 'bob-am', userId: BOB, date: '2026-03-12', moment: 'MORNING', deskId: 'd-a', spaceId: 's-1' },
      { id: 'bob-pm', userId: BOB, date: '2026-03-12', moment: 'AFTERNOON', deskId: 'd-a', spaceId: 's-1' },
      { id: 'remote', userId: ALICE, date: '2026-03-13', moment: 'FULL_DAY', deskId: null, spaceId: null, type: 'REMOTE', description: 'Télétravail' },
      { id: 'old', userId: ALICE, date: '2026-03-16', moment: 'MORNING', deskId: 'd-b', spaceId: 's-1', active: false },
    ],
  };
}

function bookingData(dates: string[], deskId = 'd-b', mainUser = ALICE) {
  return {
    type: 'OFFICE',
    datedMoments: dates.flatMap((date) => [
      { date, moment: 'MORNING' },
      { date, moment: 'AFTERNOON' },
    ]),
    mainUserIdV2: userId(mainUser),
    usersIdV2: [userId(mainUser)],
    teams: [],
    guestsInfo: [],
    spacesIdSelection: ['s-1'],
    deskId,
    services: [],
    desksAttributions: [],
    withUsersSelectedDays: true,
  };
}

interface GqlResponse {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions: { code: string } }>;
}

let sandbox: OneFlexSandbox;
let access: string;
let refresh: string;

async function start(options: SandboxOptions = {}): Promise<void> {
  sandbox = new OneFlexSandbox({ seed: testSeed(), now: () => NOW, ...options });
  await sandbox.start();
  ({ accessToken: access, refreshToken: refresh } = sandbox.issueTokens(ALICE));
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function gql(query: string, variables: Record<string, unknown> = {}, token = access, signal?: AbortSignal): Promise<{ status: number; body: GqlResponse }> {
  const res = await post('/api/gql', { query, variables }, { authorization: `Bearer ${token}` }, signal);
  return { status: res.status, body: (await res.json()) as GqlResponse };
}

async function refreshWith(token: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await post('/api/auth/token', { grant_type: 'refresh_token', refresh_token: token });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

const codeOf = (body: GqlResponse) => body.errors?.[0]?.extensions.code;

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await sandbox.stop();
});

describe('token refresh', () => {
  it('answers a new access token and keeps the refresh token when rotation is off', async () => {
    const first = await refreshWith(refresh);
    const second = await refreshWith(refresh);

    expect(first.status).toBe(200);
    expect(first.body.token_type).toBe('bearer');
    expect(first.body).not.toHaveProperty('refresh_token');
    expect(second.status).toBe(200);
    expect((await gql(ME, {}, first.body.access_token)).body.data?.me.id).toBe(ALICE);
  });

  it('rotates the refresh token when rotation is on, and refuses the old one', async () => {
    sandbox.setRotateRefreshTokens(true);

    const rotated = await refreshWith(refresh);
    const reused = await refreshWith(refresh);
    const next = await refreshWith(rotated.body.refresh_token ?? '');

    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).toMatch(/^rt_[0-9a-f]{32}$/);
    expect(reused).toEqual({ status: 401, body: { error: 'invalid_grant' } });
    expect(next.status).toBe(200);
  });

  it('refuses a revoked refresh token with 401 invalid_grant', async () => {
    sandbox.revokeRefreshTokens(ALICE);

    expect(await refreshWith(refresh)).toEqual({ status: 401, body: { error: 'invalid_grant' } });
  });

  it.each([
    ['malformed JSON', 400, '{"grant_type":'],
    ['a missing refresh token', 400, { grant_type: 'refresh_token' }],
    ['another grant type', 400, { grant_type: 'password', refresh_token: 'x' }],
  ])('answers %s with %i', async (_name, status, body) => {
    expect((await post('/api/auth/token', body)).status).toBe(status);
  });

  it('gives an access token whose exp is iat + the configured lifetime', async () => {
    await sandbox.stop();
    await start({ accessTokenTtlSeconds: 60 });

    const { body } = await refreshWith(refresh);
    const claims = payloadOf(body.access_token ?? '');

    expect(claims).toMatchObject({ sub: ALICE, iat: NOW / 1000, exp: NOW / 1000 + 60 });
    expect(typeof claims.jti).toBe('string');
  });
});

describe('access tokens', () => {
  it.each([
    ['an expired token', () => sandbox.issueTokens(ALICE, { accessTtlSeconds: -1 }).accessToken],
    ['a tampered token', () => `${access.slice(0, -2)}xx`],
    ['a token from another sandbox', () => new OneFlexSandbox({ seed: testSeed() }).issueTokens(ALICE).accessToken],
    ['no token', () => ''],
  ])('answers HTTP 401 to %s', async (_name, token) => {
    const res = await post('/api/gql', { query: ME }, { authorization: `Bearer ${token()}` });

    expect(res.status).toBe(401);
  });

  it('answers 401 to revoked access tokens that have not expired', async () => {
    sandbox.revokeAccessTokens(ALICE);

    expect((await gql(ME)).status).toBe(401);
  });

  it('expires a token when the clock passes exp', async () => {
    let now = NOW;
    await sandbox.stop();
    await start({ now: () => now, accessTokenTtlSeconds: 900 });

    now += 899_000;
    const before = await gql(ME);
    now += 1_000;
    const after = await gql(ME);

    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
  });
});

describe('queries', () => {
  it('answers me', async () => {
    const { status, body } = await gql(ME);

    expect(status).toBe(200);
    expect(body).toEqual({
      data: { me: { __typename: 'Me', id: ALICE, email: 'alice@example.com', firstName: 'Alice', lastName: 'Martin', fullName: 'Alice Martin' } },
    });
  });

  it('lists favourites in order, a zone without a desk included', async () => {
    const { body } = await gql(FAVORITES, { userId: userId(ALICE) });
    const favourites = body.data?.user.favoriteSpacesAndDesks as Array<{ space: { id: string }; desk: { name: string } | null }>;

    expect(favourites.map((f) => [f.space.id, f.desk?.name ?? null])).toEqual([
      ['s-2', null],
      ['s-1', 'A-01'],
      ['s-1', 'B-02'],
      ['s-2', 'C-03'],
    ]);
  });

  it('lists the affectations of a list of dates, inactive and deskless ones included', async () => {
    const { body } = await gql(AFFECTATIONS, {
      userId: userId(ALICE),
      affectationsFilter: { dates: ['2026-03-12', '2026-03-13', '2026-03-16'], withAuthoredSuggestions: true },
    });
    const list = body.data?.user.affectations as Array<Record<string, any>>;

    expect(list.map((a) => [a.id, a.date, a.moment, a.active, a.type, a.desk?.name ?? null])).toEqual([
      ['remote', '2026-03-13', 'FULL_DAY', true, 'REMOTE', null],
      ['old', '2026-03-16', 'MORNING', false, 'OFFICE', 'B-02'],
    ]);
    expect(list[0]).toMatchObject({ description: 'Télétravail', space: null });
    expect(list[1]?.space).toMatchObject({ id: 's-1', name: 'Open space 3F' });
  });

  it('forbids reading another user', async () => {
    const { status, body } = await gql(FAVORITES, { userId: userId(BOB) });

    expect(status).toBe(200);
    expect(codeOf(body)).toBe('FORBIDDEN');
  });

  it('answers a field the API does not have with a validation error carrying a code', async () => {
    const { status, body } = await gql('query { me { id password } }');

    expect(status).toBe(200);
    expect(codeOf(body)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers malformed JSON with 400, and an unknown path with 404', async () => {
    const bad = await post('/api/gql', '{"query":', { authorization: `Bearer ${access}` });
    const missing = await post('/api/nope', {});

    expect(bad.status).toBe(400);
    expect(missing.status).toBe(404);
  });
});

describe('createAffectation', () => {
  it('books a whole day as two records and returns the first id', async () => {
    const { body } = await gql(CREATE, { data: bookingData(['2026-03-12'], 'd-b') });
    const stored = sandbox.affectations(ALICE).filter((a) => a.date === '2026-03-12');

    expect(body.errors).toBeUndefined();
    expect(body.data?.createAffectation).toEqual({ id: stored[0]?.id, userId: ALICE, guestId: null, deskId: 'd-b', spaceId: 's-1', services: [] });
    expect(stored.map((a) => [a.moment, a.active, a.deskId])).toEqual([
      ['MORNING', true, 'd-b'],
      ['AFTERNOON', true, 'd-b'],
    ]);
  });

  it('books several dates in one call, the last open day included', async () => {
    await gql(CREATE, { data: bookingData([TODAY, '2026-04-07']) });

    expect(sandbox.affectations(ALICE).filter((a) => a.active && a.deskId === 'd-b').map((a) => a.date)).toEqual([TODAY, TODAY, '2026-04-07', '2026-04-07']);
  });

  it.each([
    ['a date in the past', 'DATE_IN_PAST', 'Date 2026-03-09 is in the past', bookingData(['2026-03-09'])],
    ['a date beyond the window', 'BOOKING_NOT_OPEN', 'Booking is not open yet for 2026-04-08', bookingData(['2026-04-08'])],
    ['a desk someone else holds', 'DESK_UNAVAILABLE', 'Desk A-01 is already booked on 2026-03-12', bookingData(['2026-03-12'], 'd-a')],
    ['a date already booked (remote work)', 'ALREADY_BOOKED', 'You already have a booking on 2026-03-13', bookingData(['2026-03-13'])],
    ['an unknown desk', 'DESK_NOT_FOUND', 'Desk d-zz not found', bookingData(['2026-03-12'], 'd-zz')],
    ['another user', 'FORBIDDEN', 'You can only book for yourself', bookingData(['2026-03-12'], 'd-b', BOB)],
    ['a good date with a bad one', 'BOOKING_NOT_OPEN', 'Booking is not open yet for 2026-04-08', bookingData(['2026-03-11', '2026-04-08'])],
  ])('rejects %s with %s and stores nothing', async (_name, code, message, data) => {
    const before = sandbox.affectations();

    const { status, body } = await gql(CREATE, { data });

    expect(status).toBe(200);
    expect(body.errors).toEqual([expect.objectContaining({ message, extensions: { code } })]);
    expect(sandbox.affectations()).toEqual(before);
  });

  it('rejects a second booking of the same day by the same user', async () => {
    await gql(CREATE, { data: bookingData(['2026-03-11'], 'd-b') });

    const { body } = await gql(CREATE, { data: bookingData(['2026-03-11'], 'd-c') });

    expect(codeOf(body)).toBe('ALREADY_BOOKED');
  });

  it('lets exactly one of two simultaneous bookings of a desk through', async () => {
    const bob = sandbox.issueTokens(BOB).accessToken;

    const [mine, theirs] = await Promise.all([
      gql(CREATE, { data: bookingData(['2026-03-11'], 'd-c') }),
      gql(CREATE, { data: bookingData(['2026-03-11'], 'd-c', BOB) }, bob),
    ]);

    expect([codeOf(mine.body), codeOf(theirs.body)].sort()).toEqual(['DESK_UNAVAILABLE', undefined]);
    expect(sandbox.affectations().filter((a) => a.deskId === 'd-c' && a.active)).toHaveLength(2);
  });

  it('lets a desk be booked again once its holder cancelled', async () => {
    sandbox.addAffectation({ id: 'bob-11', userId: BOB, date: '2026-03-11', moment: 'MORNING', deskId: 'd-c', spaceId: 's-2', active: false });

    const { body } = await gql(CREATE, { data: bookingData(['2026-03-11'], 'd-c') });

    expect(body.errors).toBeUndefined();
  });
});

describe('deleteAffectation', () => {
  it("marks the caller's affectation inactive", async () => {
    const { body } = await gql(DELETE, { affectationId: 'remote', deleteGuestsOf: false });

    expect(body).toEqual({ data: { deleteAffectation: { success: true } } });
    expect(sandbox.affectations(ALICE).find((a) => a.id === 'remote')?.active).toBe(false);
  });

  it.each([
    ['an unknown id', 'nope'],
    ["someone else's affectation", 'bob-am'],
    ['an affectation already cancelled', 'old'],
  ])('answers NOT_FOUND for %s', async (_name, id) => {
    const { body } = await gql(DELETE, { affectationId: id, deleteGuestsOf: false });

    expect(codeOf(body)).toBe('NOT_FOUND');
    expect(sandbox.affectations(BOB).every((a) => a.active)).toBe(true);
  });
});

describe('faults', () => {
  it('answers an injected status the given number of times, then normally', async () => {
    sandbox.addFault({ match: 'me', kind: 'status', status: 503, times: 2 });

    const statuses = [(await gql(ME)).status, (await gql(ME)).status, (await gql(ME)).status];

    expect(statuses).toEqual([503, 503, 200]);
  });

  it('hangs until the client gives up', async () => {
    sandbox.addFault({ match: '*', kind: 'hang' });

    await expect(gql(ME, {}, access, AbortSignal.timeout(100))).rejects.toThrow();
    expect((await gql(ME)).status).toBe(200);
  });

  it('resets the connection', async () => {
    sandbox.addFault({ match: 'token', kind: 'reset' });

    await expect(refreshWith(refresh)).rejects.toThrow();
  });

  it('applies the booking and then loses the answer', async () => {
    sandbox.addFault({ match: 'createAffectation', kind: 'apply-then-status', status: 502 });

    const res = await post('/api/gql', { query: CREATE, variables: { data: bookingData(['2026-03-11']) } }, { authorization: `Bearer ${access}` });

    expect(res.status).toBe(502);
    expect(sandbox.affectations(ALICE).filter((a) => a.date === '2026-03-11' && a.active)).toHaveLength(2);
  });

  it('rotates the refresh token even when the answer is reset', async () => {
    sandbox.setRotateRefreshTokens(true);
    sandbox.addFault({ match: 'token', kind: 'apply-then-reset' });

    await expect(refreshWith(refresh)).rejects.toThrow();
    expect((await refreshWith(refresh)).status).toBe(401);
  });

  it('delays an answer', async () => {
    sandbox.addFault({ match: 'me', kind: 'delay', delayMs: 50 });
    const started = performance.now();

    const { status } = await gql(ME);

    expect(status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('stops promptly while a request hangs', async () => {
    sandbox.addFault({ match: '*', kind: 'hang' });
    const arrived = new Promise<void>((resolve) => sandbox.onRequest(() => resolve()));
    const pending = gql(ME);
    const outcome = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await arrived;
    const started = performance.now();

    await sandbox.stop();

    expect(performance.now() - started).toBeLessThan(500);
    expect(await outcome).toBe('failed');
  });
});

describe('request log', () => {
  it('records each request with its operation name and status, in arrival order', async () => {
    const seen: SandboxRequestRecord[] = [];
    sandbox.onRequest((r) => seen.push(r));
    sandbox.addFault({ match: 'createAffectation', kind: 'status', status: 500 });

    await gql(ME);
    await gql(FAVORITES, { userId: userId(ALICE) });
    await gql(CREATE, { data: bookingData(['2026-03-11']) });
    await refreshWith(refresh);
    await post('/api/gql', { query: 'query named { me { id } }', operationName: 'named' }, { authorization: `Bearer ${access}` });

    expect(sandbox.requests.map((r) => [r.operationName, r.status])).toEqual([
      ['me', 200],
      ['userFavoriteSpacesAndDesks', 200],
      ['createAffectation', 500],
      ['token', 200],
      ['named', 200],
    ]);
    expect(seen).toHaveLength(5);
    expect(sandbox.requests[0]).toMatchObject({ method: 'POST', path: '/api/gql', authorization: `Bearer ${access}` });
    expect(sandbox.requests[3]?.authorization).toBeNull();
    expect(sandbox.firstRequestAt('createAffectation')).toBe(sandbox.requests[2]?.at);
    sandbox.clearRequests();
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe('demo seed', () => {
  it('serves a demo user whose first favourite desk a colleague takes on some days', async () => {
    await sandbox.stop();
    const today = '2026-03-10';
    sandbox = new OneFlexSandbox({ seed: demoSeed(today), now: () => NOW });
    await sandbox.start();
    const { accessToken } = sandbox.issueTokens(DEMO_USER_ID);

    const { body } = await gql(FAVORITES, { userId: userId(DEMO_USER_ID) }, accessToken);
    const desks = (body.data?.user.favoriteSpacesAndDesks as Array<{ desk: { id: string } | null }>).flatMap((f) => (f.desk ? [f.desk.id] : []));
    const colleagueDays = sandbox.affectations(DEMO_COLLEAGUE_ID).filter((a) => a.deskId === desks[0]);
    const mine = sandbox.affectations(DEMO_USER_ID);

    expect(desks).toHaveLength(3);
    expect(colleagueDays.length).toBeGreaterThanOrEqual(8);
    expect(colleagueDays.every((a) => a.date > today)).toBe(true);
    expect(mine.some((a) => a.date > today && a.deskId === null && a.description === 'Télétravail')).toBe(true);
    expect(mine.some((a) => a.date > today && a.deskId === desks[1])).toBe(true);
    expect(mine.filter((a) => a.date < today && a.deskId === desks[1]).length).toBeGreaterThan(mine.filter((a) => a.date < today && a.deskId !== desks[1]).length / 2);
  });
});
