/**
 * JWT-shaped access tokens for the sandbox: base64url(header).base64url(payload).base64url(HMAC-SHA256),
 * signed with a per-sandbox random secret. Only the sandbox verifies them; a client merely reads `exp`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AccessTokenClaims {
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export function signAccessToken(claims: AccessTokenClaims, secret: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

/** The claims of a token signed with `secret`, or null when it is malformed or the signature is wrong (expiry is the caller's business). */
export function verifyAccessToken(token: string, secret: Buffer): AccessTokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!isClaims(claims)) return null;
    return claims;
  } catch {
    // A signed but unparsable payload cannot come from us; treat it as any other bad token.
    return null;
  }
}

function isClaims(value: unknown): value is AccessTokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['sub'] === 'string' && typeof v['iat'] === 'number' && typeof v['exp'] === 'number' && typeof v['jti'] === 'string';
}
