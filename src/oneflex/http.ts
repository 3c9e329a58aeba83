/**
 * The one place that speaks HTTP to OneFlex: JSON POSTs with a timeout on every call, and network
 * failures turned into typed errors. Node's fetch keeps connections alive, so the request sent at
 * the instant the booking window opens reuses the connection the warm-up opened.
 */
import { OneFlexError } from './errors.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface HttpRequest {
  readonly url: string;
  readonly body: unknown;
  readonly bearer?: string;
  readonly timeoutMs: number;
}

export type HttpPost = (request: HttpRequest) => Promise<HttpAnswer>;

export const fetchPost: HttpPost = async ({ url, body, bearer, timeoutMs }) => {
  let response: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw networkError(error, url, timeoutMs);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw networkError(error, url, timeoutMs);
  }
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.status, body: parsed, headers: response.headers };
};

function networkError(error: unknown, url: string, timeoutMs: number): OneFlexError {
  const where = new URL(url).pathname;
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new OneFlexError('timeout', `OneFlex did not answer ${where} within ${timeoutMs / 1000} s`, { cause: error });
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'unknown error');
  return new OneFlexError('network', `Cannot reach OneFlex (${where}): ${detail}`, { cause: error });
}
