/**
 * What went wrong in a Slack Web API call, as data. @slack/web-api throws coded errors:
 * `slack_webapi_platform_error` (HTTP 200 `{ok:false, error}`), `slack_webapi_rate_limited_error`
 * (429 with Retry-After, when `rejectRateLimitedCalls` is set), `slack_webapi_http_error` (another
 * status), `slack_webapi_request_error` (no answer). Codes are compared, not classes: Bolt, the
 * Socket Mode client and our own WebClient may each load their own copy of the library.
 */
export type SlackFailure =
  | { readonly kind: 'platform'; readonly error: string; readonly needed: string | undefined }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number }
  | { readonly kind: 'http'; readonly status: number }
  | { readonly kind: 'network'; readonly detail: string }
  | { readonly kind: 'other'; readonly detail: string };

/** Slack errors that mean the token itself is refused: nothing helps but a new token. */
export const AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'user_removed_from_team',
  'team_disabled',
  'not_allowed_token_type',
]);

/** Slack errors worth trying again later. */
const TEMPORARY_ERRORS: ReadonlySet<string> = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function describeSlackError(error: unknown): SlackFailure {
  const e = (error ?? {}) as {
    code?: unknown;
    data?: { error?: unknown; needed?: unknown };
    retryAfter?: unknown;
    statusCode?: unknown;
    original?: { message?: unknown; cause?: unknown };
    message?: unknown;
  };
  switch (e.code) {
    case 'slack_webapi_platform_error':
      return { kind: 'platform', error: typeof e.data?.error === 'string' ? e.data.error : 'unknown_error', needed: typeof e.data?.needed === 'string' ? e.data.needed : undefined };
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate-limited', retryAfterMs: typeof e.retryAfter === 'number' ? Math.max(0, e.retryAfter * 1000) : 1000 };
    case 'slack_webapi_http_error':
      return { kind: 'http', status: typeof e.statusCode === 'number' ? e.statusCode : 0 };
    case 'slack_webapi_request_error': {
      const cause = e.original?.cause as { code?: unknown; message?: unknown } | undefined;
      const name = (e.original as { name?: unknown } | undefined)?.name;
      const detail =
        typeof cause?.code === 'string' ? cause.code : name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : typeof cause?.message === 'string' ? cause.message : 'no answer';
      return { kind: 'network', detail };
    }
    default:
      return { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Whether trying again later can help. */
export function isTemporary(failure: SlackFailure): boolean {
  switch (failure.kind) {
    case 'rate-limited':
    case 'network':
      return true;
    case 'http':
      return failure.status >= 500 || failure.status === 408 || failure.status === 429;
    case 'platform':
      return TEMPORARY_ERRORS.has(failure.error);
    case 'other':
      return false;
  }
}

/** Short, safe words for a log line or a problem: `invalid_auth`, `HTTP 503`, `ECONNREFUSED`. */
export function failureText(failure: SlackFailure): string {
  switch (failure.kind) {
    case 'platform':
      return failure.needed ? `${failure.error}: needs ${failure.needed}` : failure.error;
    case 'rate-limited':
      return `rate limited, retry after ${Math.ceil(failure.retryAfterMs / 1000)} s`;
    case 'http':
      return `HTTP ${failure.status}`;
    case 'network':
      return `unreachable: ${failure.detail}`;
    case 'other':
      return failure.detail;
  }
}

/** Name, message and codes; never a request, a response body or a stack with values in it. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const { code, data } = error as { code?: unknown; data?: { error?: unknown } };
  if (code !== undefined) out.code = code;
  if (typeof data?.error === 'string') out.slackError = data.error;
  return out;
}
