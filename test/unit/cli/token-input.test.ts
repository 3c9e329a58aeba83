import { describe, expect, it } from 'vitest';
import { parseTokenInput } from '../../../src/cli/token-input.js';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTk5OTk5OTl9.c2ln';

describe('parseTokenInput', () => {
  it.each([
    ['two lines', `${jwt}\nrt_abc123\n`],
    ['a cookie header', `access_token=${jwt}; refresh_token=rt_abc123; other=1`],
    ['.env lines', `ONEFLEX_TOKEN=${jwt}\nONEFLEX_REFRESH_TOKEN="rt_abc123"`],
    ['JSON', JSON.stringify({ access_token: jwt, refresh_token: 'rt_abc123' })],
  ])('reads %s', (_name, text) => {
    expect(parseTokenInput(text)).toEqual({ accessToken: jwt, refreshToken: 'rt_abc123' });
  });

  it('tells a lone access token from a lone refresh token', () => {
    expect(parseTokenInput(jwt)).toEqual({ accessToken: jwt, refreshToken: undefined });
    expect(parseTokenInput('rt_abc123\n')).toEqual({ accessToken: undefined, refreshToken: 'rt_abc123' });
  });

  it('gives nothing for empty input', () => {
    expect(parseTokenInput('  \n')).toEqual({ accessToken: undefined, refreshToken: undefined });
  });
});
