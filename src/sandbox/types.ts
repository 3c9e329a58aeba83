/**
 * Public shapes of the OneFlex sandbox: what a test or the demo seeds it with, the faults it can
 * inject, and what it records. Written from `oneflex-api.md` alone, on purpose independent of the
 * client in `src/oneflex` so that a misreading shared by both cannot pass the tests.
 */

export const SANDBOX_MOMENTS = ['MORNING', 'AFTERNOON', 'FULL_DAY'] as const;
export type SandboxMoment = (typeof SANDBOX_MOMENTS)[number];

export interface SandboxDesk {
  id: string;
  name: string;
  spaceId: string;
  spaceName: string;
}

export interface SandboxUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface SandboxAffectation {
  id: string;
  userId: string;
  date: string;
  moment: SandboxMoment;
  active: boolean;
  type: string;
  deskId: string | null;
  spaceId: string | null;
  description?: string | null;
}

/** An affectation to seed or add: id, active and type may be left to the sandbox. */
export type SandboxAffectationInput = Omit<SandboxAffectation, 'id' | 'active' | 'type'> & {
  id?: string;
  active?: boolean;
  type?: string;
};

export interface SandboxFavorite {
  /** Absent for a favourite zone (a space without a desk): not a bookable desk. */
  deskId?: string;
  spaceId: string;
}

export interface SandboxSeed {
  users: SandboxUser[];
  desks: SandboxDesk[];
  /** Per user id, in the user's order of preference. */
  favorites?: Record<string, SandboxFavorite[]>;
  affectations?: SandboxAffectationInput[];
}

export const SANDBOX_FAULT_KINDS = ['status', 'hang', 'reset', 'apply-then-status', 'apply-then-reset', 'delay'] as const;
export type SandboxFaultKind = (typeof SANDBOX_FAULT_KINDS)[number];

export interface SandboxFault {
  /**
   * Which requests: 'token' (refresh endpoint), a GraphQL operation name ('me',
   * 'userFavoriteSpacesAndDesks', 'affectationsByUserAndDates', 'createAffectation',
   * 'deleteAffectation'), or '*' (every request).
   */
  match: string;
  /**
   * 'status': answer `status` (e.g. 500/502/503/401) without executing; 'hang': never answer (the
   * socket stays open until stop()); 'reset': destroy the socket without answering;
   * 'apply-then-status': EXECUTE the operation (state changes!) then answer `status` instead of
   * the result (a lost answer); 'apply-then-reset': execute then destroy the socket; 'delay': wait
   * `delayMs` then handle normally.
   */
  kind: SandboxFaultKind;
  status?: number;
  delayMs?: number;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

export interface SandboxRequestRecord {
  /** performance.timeOrigin + performance.now() when the request arrived, in ms. */
  at: number;
  method: string;
  path: string;
  /** 'token' for the refresh endpoint, the GraphQL operation name, or null. */
  operationName: string | null;
  /** The HTTP status answered; 0 while unanswered and for a hang or reset. */
  status: number;
  authorization: string | null;
}

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default: demoSeed(today in timeZone). */
  seed?: SandboxSeed;
  /** Default 900. */
  accessTokenTtlSeconds?: number;
  /** Default false. */
  rotateRefreshTokens?: boolean;
  /** Last bookable day is today + bookingWindowDays. Default 28. */
  bookingWindowDays?: number;
  /** Default 'Europe/Paris'. */
  timeZone?: string;
  /** Clock in ms, for token expiry and the booking window. Default Date.now. */
  now?: () => number;
}
