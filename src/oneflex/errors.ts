import { AppError } from '../errors.js';

export const ONEFLEX_ERROR_CODES = [
  /** Someone else holds the desk on that date. */
  'desk_unavailable',
  /** The date is not open for booking yet (beyond the window) or is in the past. */
  'not_open',
  /** The user already has a booking on that date. */
  'already_booked',
  /** 401 on a call (the access token was refused). */
  'unauthorized',
  /** The tokens cannot be renewed: a person must sign in again. No call was made. */
  'auth_required',
  /** OneFlex answered 5xx (or another unexpected status). */
  'server_error',
  /** Connection refused, reset, DNS failure… */
  'network',
  /** No answer within ONEFLEX_TIMEOUT_SECONDS. */
  'timeout',
  /** An answer the client does not understand. */
  'invalid_response',
  /** Any other GraphQL error. */
  'rejected',
] as const;
export type OneFlexErrorCode = (typeof ONEFLEX_ERROR_CODES)[number];

export class OneFlexError extends AppError {
  declare readonly code: OneFlexErrorCode;
  readonly status: number | undefined;
  constructor(code: OneFlexErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(code, message, options);
    this.status = options.status;
  }

  /** Whether the request may not have reached OneFlex, or its answer was lost. */
  get outcomeUnknown(): boolean {
    return this.code === 'network' || this.code === 'timeout' || this.code === 'server_error';
  }
}

/** Recognises business failures by code first, then by the words OneFlex (French or English) uses. */
export function classifyGraphqlError(message: string, code: string | undefined): OneFlexErrorCode {
  const text = `${code ?? ''} ${message}`;
  if (/UNAUTHENTICATED|UNAUTHORIZED/i.test(code ?? '')) return 'unauthorized';
  if (/ALREADY_BOOKED|USER_ALREADY|already have|déjà une réservation|vous avez déjà/i.test(text)) return 'already_booked';
  if (/DESK_(UNAVAILABLE|TAKEN|ALREADY)|not available|unavailable|already (booked|reserved|taken)|déjà (réservé|occupé|pris)|indisponible|occupé/i.test(text)) {
    return 'desk_unavailable';
  }
  if (/NOT_OPEN|BOOKING_WINDOW|DATE_IN_PAST|not open|too far|in the past|pas (encore )?ouvert|trop tôt|dans le passé/i.test(text)) {
    return 'not_open';
  }
  return 'rejected';
}
