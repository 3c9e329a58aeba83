/**
 * Where OneFlex tokens live between runs.
 *
 * `STATE_DIR/tokens.json` (mode 0600, atomic writes) holds the newest tokens, the incident if one
 * is open, and a fingerprint of the tokens the configuration (.env, environment or *_FILE) gave at
 * that time. At start-up, a configuration whose tokens differ from that fingerprint was edited by
 * hand: the user's tokens win. Otherwise the saved ones, which are newer, do.
 * When the tokens came from the loaded .env file, their lines there are updated too.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { JsonStateFile } from '../state/json-state.js';
import { updateEnvFile } from './env-file.js';

export interface TokenPair {
  readonly accessToken: string | undefined;
  readonly refreshToken: string | undefined;
}

export interface TokenIncident {
  readonly id: string;
  readonly since: string;
  readonly reason: 'refresh-refused' | 'no-refresh-token' | 'unauthorized';
}

const tokensFileSchema = z.object({
  version: z.literal(1),
  generation: z.number().int().nonnegative(),
  accessToken: z.string().nullable(),
  refreshToken: z.string().nullable(),
  savedAt: z.string(),
  lastRefreshAt: z.string().nullable(),
  configFingerprint: z.string(),
  incident: z
    .object({ id: z.string(), since: z.string(), reason: z.enum(['refresh-refused', 'no-refresh-token', 'unauthorized']) })
    .nullable(),
});
export type TokensFile = z.output<typeof tokensFileSchema>;

export function fingerprint(tokens: TokenPair): string {
  return createHash('sha256')
    .update(`${tokens.accessToken ?? ''}\n${tokens.refreshToken ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

export interface TokenStoreOptions {
  readonly stateDir: string;
  /** Tokens as the configuration gives them at start-up. */
  readonly configured: TokenPair;
  /** The .env file the tokens were read from, when they were; its token lines follow each change. */
  readonly envFile?: string | undefined;
  readonly now: () => Date;
  readonly onEnvWriteError?: (error: unknown) => void;
}

export interface LoadedTokens extends TokenPair {
  readonly generation: number;
  readonly incident: TokenIncident | null;
  readonly lastRefreshAt: string | null;
  /** Which won: the saved tokens or those of the configuration. */
  readonly origin: 'saved' | 'config' | 'none';
}

export class TokenStore {
  private readonly file: JsonStateFile<TokensFile>;
  private configFingerprint: string;

  constructor(private readonly options: TokenStoreOptions) {
    this.file = new JsonStateFile(options.stateDir, 'tokens.json', tokensFileSchema);
    this.configFingerprint = fingerprint(options.configured);
  }

  /** The tokens to start with, applying "hand-edited configuration wins". */
  async load(): Promise<LoadedTokens> {
    const saved = await this.file.read();
    const configured = this.options.configured;
    const hasConfigured = Boolean(configured.accessToken || configured.refreshToken);
    if (saved && (!hasConfigured || saved.configFingerprint === this.configFingerprint)) {
      return {
        accessToken: saved.accessToken ?? undefined,
        refreshToken: saved.refreshToken ?? undefined,
        generation: saved.generation,
        incident: saved.incident,
        lastRefreshAt: saved.lastRefreshAt,
        origin: 'saved',
      };
    }
    if (!hasConfigured) return { ...configured, generation: 0, incident: null, lastRefreshAt: null, origin: 'none' };
    // First start, or the user put new tokens in the configuration by hand: theirs win.
    const generation = (saved?.generation ?? 0) + 1;
    await this.writeFile(configured, { generation, incident: null, lastRefreshAt: null });
    return { ...configured, generation, incident: null, lastRefreshAt: null, origin: 'config' };
  }

  /** The saved file as it is now (another process, such as `token set`, may have changed it). */
  async peek(): Promise<TokensFile | undefined> {
    return this.file.read();
  }

  /** Saves new tokens, then mirrors them into the .env they came from. Returns the new generation. */
  async save(
    tokens: TokenPair,
    meta: { readonly previousGeneration: number; readonly incident: TokenIncident | null; readonly lastRefreshAt: string | null },
  ): Promise<number> {
    const generation = meta.previousGeneration + 1;
    let envUpdated = false;
    if (this.options.envFile && tokens.accessToken) {
      try {
        await updateEnvFile(this.options.envFile, {
          ONEFLEX_TOKEN: tokens.accessToken,
          ...(tokens.refreshToken ? { ONEFLEX_REFRESH_TOKEN: tokens.refreshToken } : {}),
        });
        envUpdated = true;
      } catch (error) {
        this.options.onEnvWriteError?.(error);
      }
    }
    if (envUpdated) this.configFingerprint = fingerprint(tokens);
    await this.writeFile(tokens, { generation, incident: meta.incident, lastRefreshAt: meta.lastRefreshAt });
    return generation;
  }

  /** Records an opened or closed incident without touching the tokens. */
  async saveIncident(tokens: TokenPair, generation: number, incident: TokenIncident | null, lastRefreshAt: string | null): Promise<void> {
    await this.writeFile(tokens, { generation, incident, lastRefreshAt });
  }

  private async writeFile(
    tokens: TokenPair,
    meta: { generation: number; incident: TokenIncident | null; lastRefreshAt: string | null },
  ): Promise<void> {
    await this.file.write({
      version: 1,
      generation: meta.generation,
      accessToken: tokens.accessToken ?? null,
      refreshToken: tokens.refreshToken ?? null,
      savedAt: this.options.now().toISOString(),
      lastRefreshAt: meta.lastRefreshAt,
      configFingerprint: this.configFingerprint,
      incident: meta.incident,
    });
  }
}
