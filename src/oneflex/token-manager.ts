/**
 * The OneFlex token lifecycle.
 *
 * - Reads the access token's `exp` and refreshes before it runs out (and on demand before a
 *   scheduled run); on a 401 the caller asks for one refresh and retries once.
 * - Single flight: every request that needs a refresh while one is under way waits for that one.
 * - A rotated refresh token replaces the old one; new tokens are saved at once (TokenStore).
 * - When renewing is impossible (no refresh token, refresh refused) ONE incident opens: one
 *   `token-expired` event, and no more calls with dead tokens until new tokens arrive (`token set`,
 *   or the saved file changed by another process); then `token-restored`.
 *
 * Endpoint: POST {base}/api/auth/token {"grant_type":"refresh_token","refresh_token":…}
 *   → 200 {"token_type":"bearer","access_token":…, "refresh_token"?: …}; 401 when the SSO session ended.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { createEvent, type EventSink } from '../notify/events.js';
import type { SecretRegistry } from '../secrets.js';
import type { Clock } from '../time.js';
import { OneFlexError } from './errors.js';
import type { HttpPost } from './http.js';
import { jwtExpiry } from './jwt.js';
import { ME_QUERY } from './queries.js';
import { meSchema, refreshAnswerSchema, toMe } from './schemas.js';
import type { TokenIncident, TokenPair, TokenStore } from './token-store.js';

export interface TokenManagerOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly post: HttpPost;
  readonly store: TokenStore;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly logger: Logger;
  readonly secrets: SecretRegistry;
  /** Refresh when the access token has less than this left. */
  readonly refreshMarginMs?: number;
  /** Told of every refresh attempt's outcome (metrics). */
  readonly onRefresh?: (ok: boolean) => void;
}

export interface TokenStatus {
  readonly state: 'valid' | 'expired' | 'incident' | 'missing';
  readonly expiresAt: string | null;
  readonly lastRefreshAt: string | null;
  readonly incident: TokenIncident | null;
  readonly canRefresh: boolean;
}

export interface VerifiedUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
}

export class TokenManager {
  private accessToken: string | undefined;
  private refreshToken: string | undefined;
  private expiresAt: number | undefined;
  private generation = 0;
  private incident: TokenIncident | null = null;
  private lastRefreshAt: string | null = null;
  private refreshing: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;
  private readonly margin: number;

  constructor(private readonly options: TokenManagerOptions) {
    this.log = options.logger.child({ module: 'tokens' });
    this.margin = options.refreshMarginMs ?? 60_000;
  }

  async init(): Promise<void> {
    const loaded = await this.options.store.load();
    this.setTokens(loaded);
    this.generation = loaded.generation;
    this.incident = loaded.incident;
    this.lastRefreshAt = loaded.lastRefreshAt;
    this.log.debug('tokens loaded', { origin: loaded.origin, incident: Boolean(loaded.incident) });
    if (this.incident && loaded.origin === 'config') {
      // New tokens were put in the configuration while an incident was open: try them now.
      await this.closeIncidentIfTokensWork();
    }
  }

  status(): TokenStatus {
    const now = this.options.clock.now();
    const state = this.incident
      ? 'incident'
      : !this.accessToken && !this.refreshToken
        ? 'missing'
        : this.expiresAt !== undefined && this.expiresAt <= now && !this.refreshToken
          ? 'expired'
          : 'valid';
    return {
      state,
      expiresAt: this.expiresAt === undefined ? null : new Date(this.expiresAt).toISOString(),
      lastRefreshAt: this.lastRefreshAt,
      incident: this.incident,
      canRefresh: Boolean(this.refreshToken),
    };
  }

  get incidentOpen(): boolean {
    return this.incident !== null;
  }

  /** An access token that is valid for at least the refresh margin, refreshing first if needed. */
  async getAccessToken(): Promise<string> {
    this.assertNoIncident();
    if (!this.accessToken || this.expiringWithin(this.margin)) await this.refresh();
    this.assertNoIncident();
    if (!this.accessToken) throw this.authRequired();
    return this.accessToken;
  }

  /**
   * Before a scheduled run: refresh now (so the run has a full token lifetime and an ended SSO
   * session is found before the window opens). Without a refresh token, the access token must
   * simply still be valid.
   */
  async prepareForRun(): Promise<void> {
    this.assertNoIncident();
    if (this.refreshToken) await this.refresh();
    else await this.getAccessToken();
  }

  /** Called after a 401 with `used`; returns the token to retry with (one refresh at most). */
  async tokenAfterUnauthorized(used: string): Promise<string> {
    this.assertNoIncident();
    if (this.accessToken && this.accessToken !== used) return this.accessToken; // already renewed
    await this.refresh();
    this.assertNoIncident();
    return this.accessToken!;
  }

  /** A freshly renewed token was refused too: tokens are unusable. */
  async unauthorizedAfterRefresh(): Promise<never> {
    await this.openIncident('unauthorized', 'OneFlex refused a freshly renewed access token (HTTP 401)');
    throw this.authRequired();
  }

  /** Renews the access token; concurrent callers share one call. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * New tokens from a person (`token set`, chat form): checked against OneFlex first (refreshing
   * if the access token is already dead), then stored, closing any open incident.
   */
  async replaceTokens(tokens: { accessToken?: string | undefined; refreshToken?: string | undefined }): Promise<VerifiedUser> {
    const candidate = { accessToken: tokens.accessToken?.trim() || undefined, refreshToken: tokens.refreshToken?.trim() || undefined };
    this.options.secrets.add(candidate.accessToken);
    this.options.secrets.add(candidate.refreshToken);
    let access = candidate.accessToken;
    let refresh = candidate.refreshToken;
    const exp = access ? jwtExpiry(access) : undefined;
    if ((!access || (exp !== undefined && exp - this.options.clock.now() < this.margin)) && refresh) {
      const renewed = await this.callRefreshEndpoint(refresh);
      if (!renewed) throw new OneFlexError('unauthorized', 'OneFlex refused this refresh token: sign in again and copy fresh cookies');
      access = renewed.accessToken;
      refresh = renewed.refreshToken ?? refresh;
    }
    if (!access) throw new OneFlexError('unauthorized', 'No access token given, and no refresh token to get one');
    const user = await this.verify(access);
    await this.serialize(async () => {
      this.setTokens({ accessToken: access, refreshToken: refresh });
      this.generation = await this.options.store.save(
        { accessToken: access, refreshToken: refresh },
        { previousGeneration: await this.latestGeneration(), incident: null, lastRefreshAt: this.lastRefreshAt },
      );
    });
    this.closeIncident(user.name);
    return user;
  }

  /**
   * Picks up tokens another process saved (`oneflex-bot token set` while the bot runs). Returns
   * true when the tokens changed.
   */
  async reloadFromStore(): Promise<boolean> {
    const saved = await this.options.store.peek();
    if (!saved || saved.generation <= this.generation) return false;
    this.generation = saved.generation;
    this.setTokens({ accessToken: saved.accessToken ?? undefined, refreshToken: saved.refreshToken ?? undefined });
    this.lastRefreshAt = saved.lastRefreshAt;
    this.log.info('tokens reloaded from the state file', { generation: saved.generation });
    if (this.incident && !saved.incident) {
      // The process that saved these tokens closed the incident and announced it: once is enough.
      this.closeIncident(null, { announce: false });
    } else if (this.incident) {
      await this.closeIncidentIfTokensWork();
    }
    return true;
  }

  /** Checks an access token by asking OneFlex who it belongs to. */
  async verify(accessToken: string): Promise<VerifiedUser> {
    const answer = await this.options.post({
      url: `${this.options.baseUrl}/api/gql`,
      body: { operationName: 'me', query: ME_QUERY, variables: {} },
      bearer: accessToken,
      timeoutMs: this.options.timeoutMs,
    });
    if (answer.status === 401) throw new OneFlexError('unauthorized', 'OneFlex refused this access token (HTTP 401)', { status: 401 });
    if (answer.status !== 200) throw new OneFlexError('server_error', `OneFlex answered HTTP ${answer.status}`, { status: answer.status });
    const parsed = meSchema.safeParse((answer.body as { data?: unknown } | undefined)?.data);
    if (!parsed.success) throw new OneFlexError('invalid_response', 'Unexpected answer to "me" from OneFlex');
    return toMe(parsed.data.me);
  }

  private async doRefresh(): Promise<void> {
    if (!this.refreshToken) {
      if (this.accessToken && !this.expiringWithin(0)) return; // still usable; nothing to refresh with
      await this.openIncident(
        'no-refresh-token',
        this.accessToken ? 'the access token has expired and no refresh token is configured' : 'no OneFlex tokens are configured',
      );
      throw this.authRequired();
    }
    const used = this.refreshToken;
    let renewed;
    try {
      renewed = await this.callRefreshEndpoint(used);
    } catch (error) {
      this.options.onRefresh?.(false);
      throw error;
    }
    this.options.onRefresh?.(Boolean(renewed));
    if (!renewed) {
      await this.openIncident('refresh-refused', 'OneFlex refused the refresh token: the SSO session has ended');
      throw this.authRequired();
    }
    await this.serialize(async () => {
      this.setTokens({ accessToken: renewed.accessToken, refreshToken: renewed.refreshToken ?? used });
      this.lastRefreshAt = new Date(this.options.clock.now()).toISOString();
      try {
        this.generation = await this.options.store.save(
          { accessToken: this.accessToken, refreshToken: this.refreshToken },
          { previousGeneration: await this.latestGeneration(), incident: null, lastRefreshAt: this.lastRefreshAt },
        );
      } catch (error) {
        // The tokens work in memory; losing them at the next restart beats failing this request.
        this.log.error('cannot save the refreshed tokens to STATE_DIR', { error });
      }
    });
    this.log.info('access token refreshed', {
      rotated: Boolean(renewed.refreshToken && renewed.refreshToken !== used),
      expiresAt: this.expiresAt === undefined ? undefined : new Date(this.expiresAt).toISOString(),
    });
  }

  /** Renewed tokens, or undefined when OneFlex refused the refresh token. Throws on transient failures. */
  private async callRefreshEndpoint(refreshToken: string): Promise<{ accessToken: string; refreshToken: string | undefined } | undefined> {
    const answer = await this.options.post({
      url: `${this.options.baseUrl}/api/auth/token`,
      body: { grant_type: 'refresh_token', refresh_token: refreshToken },
      timeoutMs: this.options.timeoutMs,
    });
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) return undefined;
    if (answer.status !== 200) {
      throw new OneFlexError('server_error', `OneFlex answered HTTP ${answer.status} to the token refresh`, { status: answer.status });
    }
    const parsed = refreshAnswerSchema.safeParse(answer.body);
    if (!parsed.success) throw new OneFlexError('invalid_response', 'Unexpected answer to the token refresh from OneFlex');
    this.options.secrets.add(parsed.data.access_token);
    this.options.secrets.add(parsed.data.refresh_token ?? undefined);
    return { accessToken: parsed.data.access_token, refreshToken: parsed.data.refresh_token ?? undefined };
  }

  private async closeIncidentIfTokensWork(): Promise<void> {
    if (!this.accessToken && !this.refreshToken) return;
    const incident = this.incident;
    this.incident = null; // let the attempt through; reopening does not emit a second event
    try {
      const access = await this.getAccessToken();
      const user = await this.verify(access);
      this.incident = incident;
      this.closeIncident(user.name);
      await this.persistIncident();
    } catch (error) {
      this.incident = incident;
      this.log.warn('the new tokens do not work either', { error });
    }
  }

  private async openIncident(reason: TokenIncident['reason'], error: string): Promise<void> {
    if (this.incident) return;
    this.incident = { id: randomUUID(), since: new Date(this.options.clock.now()).toISOString(), reason };
    this.log.error('OneFlex tokens can no longer be renewed; waiting for new tokens', { reason });
    this.options.events.publish(createEvent('token-expired', { error, reason, incidentId: this.incident.id }, this.options.clock));
    await this.persistIncident();
  }

  private closeIncident(user: string | null, options: { announce: boolean } = { announce: true }): void {
    const incident = this.incident;
    if (!incident) return;
    this.incident = null;
    this.log.info('OneFlex tokens work again', { incidentId: incident.id });
    if (options.announce) this.options.events.publish(
      createEvent('token-restored', { user, incidentId: incident.id, downSince: incident.since }, this.options.clock),
    );
  }

  private async persistIncident(): Promise<void> {
    await this.serialize(async () => {
      try {
        await this.options.store.saveIncident(
          { accessToken: this.accessToken, refreshToken: this.refreshToken },
          this.generation,
          this.incident,
          this.lastRefreshAt,
        );
      } catch (error) {
        this.log.error('cannot save the token state', { error });
      }
    });
  }

  private async latestGeneration(): Promise<number> {
    const saved = await this.options.store.peek().catch(() => undefined);
    return Math.max(this.generation, saved?.generation ?? 0);
  }

  private serialize(task: () => Promise<void>): Promise<void> {
    const run = this.writes.then(task, task);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private setTokens(tokens: TokenPair): void {
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    this.expiresAt = tokens.accessToken ? jwtExpiry(tokens.accessToken) : undefined;
    this.options.secrets.add(tokens.accessToken);
    this.options.secrets.add(tokens.refreshToken);
  }

  private expiringWithin(ms: number): boolean {
    return this.expiresAt !== undefined && this.expiresAt - this.options.clock.now() <= ms;
  }

  private assertNoIncident(): void {
    if (this.incident) throw this.authRequired();
  }

  private authRequired(): OneFlexError {
    return new OneFlexError(
      'auth_required',
      "OneFlex tokens can no longer be renewed: sign in to OneFlex again and give the bot new tokens ('oneflex-bot token set')",
    );
  }
}
