/**
 * OneFlex API client (GraphQL at POST {base}/api/gql, see ../shared/oneflex-api.md).
 *
 * - Every call has a timeout; answers are validated; failures are typed OneFlexErrors.
 * - The user id is fetched once per process; all bookings of a run come from one query.
 * - Reads retry network errors and 5xx with backoff. A booking whose answer was lost (timeout,
 *   reset, 5xx) is never sent again blindly: the client first looks whether it exists.
 * - 401 → one token refresh (shared by concurrent callers) and one retry.
 */
import type { Logger } from '../logger.js';
import { OneFlexError, classifyGraphqlError } from './errors.js';
import type { HttpPost } from './http.js';
import {
  AFFECTATIONS_QUERY,
  CREATE_AFFECTATION_MUTATION,
  DELETE_AFFECTATION_MUTATION,
  FAVORITES_QUERY,
  ME_QUERY,
} from './queries.js';
import {
  affectationsSchema,
  createAffectationSchema,
  deleteAffectationSchema,
  favoritesSchema,
  graphqlEnvelopeSchema,
  meSchema,
  toMe,
  type Affectation,
  type Me,
} from './schemas.js';
import type { TokenManager } from './token-manager.js';

export type { Affectation };

export type { Me } from './schemas.js';

export interface Desk {
  readonly deskId: string;
  readonly deskName: string | null;
  readonly spaceId: string;
  readonly spaceName: string | null;
}

export interface BookingRequest {
  readonly date: string;
  readonly moments: readonly string[];
  readonly desk: Desk;
}

export interface CreatedBooking {
  /** Ids of the affectations now holding the booking (one per moment when looked up). */
  readonly affectationIds: readonly string[];
  /** True when the answer was lost and the booking was found by looking it up. */
  readonly recovered: boolean;
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly post: HttpPost;
  readonly tokens: TokenManager;
  readonly logger: Logger;
  /** Waits between retries; injected so tests never sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Delays before each retry of a read (and of a booking found not to exist). */
  readonly retryDelaysMs?: readonly number[];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OneFlexClient {
  private me: Promise<Me> | undefined;
  private readonly log: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retryDelays: readonly number[];

  constructor(private readonly options: ClientOptions) {
    this.log = options.logger.child({ module: 'oneflex' });
    this.sleep = options.sleep ?? defaultSleep;
    this.retryDelays = options.retryDelaysMs ?? [250, 1000, 3000];
  }

  /** Who the tokens belong to; asked once per process. */
  whoAmI(): Promise<Me> {
    this.me ??= this.read('me', ME_QUERY, {}, meSchema)
      .then(({ me }) => toMe(me))
      .catch((error: unknown) => {
        this.me = undefined; // a failed lookup is not cached
        throw error;
      });
    return this.me;
  }

  /** Favourite desks in the user's order; favourite zones without a desk are left out. */
  async favouriteDesks(): Promise<Desk[]> {
    const userId = await this.userIdVariable();
    const data = await this.read('userFavoriteSpacesAndDesks', FAVORITES_QUERY, { userId }, favoritesSchema);
    const desks: Desk[] = [];
    for (const f of data.user.favoriteSpacesAndDesks) {
      if (f.desk && f.space && !desks.some((d) => d.deskId === f.desk!.id)) {
        desks.push({ deskId: f.desk.id, deskName: f.desk.name, spaceId: f.space.id, spaceName: f.space.name });
      }
    }
    return desks;
  }

  /** The user's affectations (active and not) on every given date, in one call. */
  async affectations(dates: readonly string[]): Promise<Affectation[]> {
    if (dates.length === 0) return [];
    const userId = await this.userIdVariable();
    const data = await this.read(
      'affectationsByUserAndDates',
      AFFECTATIONS_QUERY,
      { userId, affectationsFilter: { dates: [...new Set(dates)].sort(), withAuthoredSuggestions: true } },
      affectationsSchema,
    );
    return data.user.affectations;
  }

  /**
   * Books `desk` on `date` for the given moments. When the answer is lost, looks the booking up
   * before trying again, so a booking is never made twice nor reported failed when it exists.
   */
  async book(request: BookingRequest): Promise<CreatedBooking> {
    const userId = await this.userIdVariable();
    const data = {
      type: 'OFFICE',
      datedMoments: request.moments.map((moment) => ({ date: request.date, moment })),
      mainUserIdV2: userId,
      usersIdV2: [userId],
      teams: [],
      guestsInfo: [],
      spacesIdSelection: [request.desk.spaceId],
      deskId: request.desk.deskId,
      services: [],
      desksAttributions: [],
      withUsersSelectedDays: true,
    };
    let attempt = 0;
    for (;;) {
      try {
        const answer = await this.send('createAffectation', CREATE_AFFECTATION_MUTATION, { data }, createAffectationSchema);
        return { affectationIds: [answer.createAffectation.id], recovered: false };
      } catch (error) {
        if (!(error instanceof OneFlexError) || !error.outcomeUnknown) throw error;
        this.log.warn('booking answer lost; checking whether it was made', { date: request.date, error: error.code });
        const existing = await this.findBooking(request);
        if (existing.length > 0) return { affectationIds: existing.map((a) => a.id), recovered: true };
        const delay = this.retryDelays[attempt++];
        if (delay === undefined) throw error;
        await this.sleep(delay);
      }
    }
  }

  async cancel(affectationId: string): Promise<void> {
    const data = await this.send(
      'deleteAffectation',
      DELETE_AFFECTATION_MUTATION,
      { affectationId, deleteGuestsOf: false },
      deleteAffectationSchema,
    );
    if (data.deleteAffectation?.success === false) {
      throw new OneFlexError('rejected', `OneFlex did not cancel booking ${affectationId}`);
    }
  }

  /** Active affectations on the request's date holding its desk (or any desk when none is known). */
  private async findBooking(request: BookingRequest): Promise<Affectation[]> {
    const found = await this.affectations([request.date]);
    return found.filter((a) => a.active !== false && a.date === request.date && a.desk?.id === request.desk.deskId);
  }

  private async userIdVariable(): Promise<{ id: string; type: 'Internal' }> {
    return { id: (await this.whoAmI()).id, type: 'Internal' };
  }

  /** A query: retried on network errors, timeouts and 5xx. */
  private async read<T>(operationName: string, query: string, variables: object, schema: Parser<T>): Promise<T> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.send(operationName, query, variables, schema);
      } catch (error) {
        const delay = this.retryDelays[attempt++];
        if (!(error instanceof OneFlexError) || !error.outcomeUnknown || delay === undefined) throw error;
        this.log.debug('retrying OneFlex read', { operationName, error: error.code, delayMs: delay });
        await this.sleep(jitter(delay));
      }
    }
  }

  /** One GraphQL call with the current token, one refresh-and-retry on 401. */
  private async send<T>(operationName: string, query: string, variables: object, schema: Parser<T>): Promise<T> {
    const tokens = this.options.tokens;
    let token = await tokens.getAccessToken();
    let answer = await this.post(operationName, query, variables, token);
    if (answer.status === 401) {
      token = await tokens.tokenAfterUnauthorized(token);
      answer = await this.post(operationName, query, variables, token);
      if (answer.status === 401) await tokens.unauthorizedAfterRefresh();
    }
    if (answer.status >= 500 || answer.status === 429) {
      throw new OneFlexError('server_error', `OneFlex answered HTTP ${answer.status} to ${operationName}`, { status: answer.status });
    }
    if (answer.status !== 200) {
      throw new OneFlexError('rejected', `OneFlex answered HTTP ${answer.status} to ${operationName}`, { status: answer.status });
    }
    const envelope = graphqlEnvelopeSchema.safeParse(answer.body);
    if (!envelope.success) throw new OneFlexError('invalid_response', `OneFlex sent an answer that is not GraphQL to ${operationName}`);
    const first = envelope.data.errors?.[0];
    if (first) {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : undefined;
      const message = first.message ?? 'unknown error';
      throw new OneFlexError(classifyGraphqlError(message, code), message);
    }
    const parsed = schema.safeParse(envelope.data.data);
    if (!parsed.success) {
      throw new OneFlexError('invalid_response', `Unexpected answer to ${operationName} from OneFlex: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return parsed.data;
  }

  private post(operationName: string, query: string, variables: object, bearer: string) {
    return this.options.post({
      url: `${this.options.baseUrl}/api/gql`,
      body: { operationName, query, variables },
      bearer,
      timeoutMs: this.options.timeoutMs,
    });
  }
}

interface Parser<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { message: string }[] } };
}

function jitter(ms: number): number {
  return Math.round(ms * (0.75 + Math.random() * 0.5));
}
