import {
  assertB64Token,
  extractBearerToken,
  type CredentialRequest,
} from './bearer-credentials.js';
import {
  CredentialsMissingError,
  InvalidRequestError,
  InvalidTokenError,
  type KeycloakAuthError,
} from './keycloak-auth.errors.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJ0eXAiOiJCZWFyZXIifQ.c2lnbmF0dXJl';

const request = (
  headers: Record<string, string>,
  extra: Partial<CredentialRequest> = {},
): CredentialRequest => ({
  headers,
  rawHeaders: Object.entries(headers).flat(),
  url: '/notify',
  ...extra,
});
const failure = (req: CredentialRequest, max = 8192): KeycloakAuthError => {
  try {
    extractBearerToken(req, max);
  } catch (error) {
    return error as KeycloakAuthError;
  }
  throw new Error('expected a failure');
};

describe('extractBearerToken', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the scheme spelled %s', (scheme) => {
    expect(extractBearerToken(request({ authorization: `${scheme} ${TOKEN}` }), 8192)).toBe(TOKEN);
  });

  it('accepts several spaces and b64token padding', () => {
    expect(extractBearerToken(request({ authorization: `Bearer   ${TOKEN}==` }), 8192)).toBe(
      `${TOKEN}==`,
    );
  });

  it.each([
    ['no header', {}, 'no_credentials'],
    ['an empty header', { authorization: '' }, 'no_credentials'],
    ['Basic', { authorization: 'Basic dXNlcjpwYXNz' }, 'other_scheme'],
    ['DPoP', { authorization: `DPoP ${TOKEN}` }, 'other_scheme'],
    ['a scheme glued to the token', { authorization: `Bearer${TOKEN}` }, 'other_scheme'],
    ['a cookie', { cookie: `KEYCLOAK_JWT=${TOKEN}` }, 'no_credentials'],
  ])('%s → 401 without an error code', (_case, headers, reason) => {
    const error = failure(request(headers));
    expect(error).toBeInstanceOf(CredentialsMissingError);
    expect(error.reason).toBe(reason);
  });

  it('a token only in the query or only in a form body is an unsupported location (401)', () => {
    expect(failure(request({}, { url: `/notify?a=1&access_token=${TOKEN}` })).reason).toBe(
      'unsupported_location',
    );
    expect(
      failure(
        request(
          { 'content-type': 'application/x-www-form-urlencoded' },
          { body: { access_token: TOKEN } },
        ),
      ).reason,
    ).toBe('unsupported_location');
  });

  it.each([
    [
      'header + query',
      request({ authorization: `Bearer ${TOKEN}` }, { originalUrl: `/x?access_token=${TOKEN}` }),
    ],
    [
      'header + form body',
      request(
        {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        },
        { body: { access_token: TOKEN } },
      ),
    ],
    [
      'query + form body',
      request(
        { 'content-type': 'application/x-www-form-urlencoded' },
        { url: `/x?access_token=1`, body: { access_token: TOKEN } },
      ),
    ],
    [
      'two Authorization lines (Fastify: raw.rawHeaders)',
      {
        headers: { authorization: `Bearer ${TOKEN}` },
        raw: { rawHeaders: ['Authorization', `Bearer ${TOKEN}`, 'authorization', 'Bearer x'] },
      },
    ],
  ])('%s → 400 invalid_request', (_case, req) => {
    expect(failure(req)).toBeInstanceOf(InvalidRequestError);
  });

  it('reads neither a JSON body field nor a query parameter that merely contains the name', () => {
    const req = request(
      { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      { url: '/x?not_access_token=1', body: { access_token: 'x' } },
    );
    expect(extractBearerToken(req, 8192)).toBe(TOKEN);
  });

  it('refuses nothing after the scheme as a malformed token (401 invalid_token)', () => {
    const error = failure(request({ authorization: 'Bearer' }));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.reason).toBe('malformed');
  });

  it.each([
    ['a tab', `\t${TOKEN}`],
    ['a second word', ` ${TOKEN} x`],
    ['a comma list', ` ${TOKEN},Bearer ${TOKEN}`],
    ['a quote', ` ${TOKEN}"`],
    ['a non-ASCII character', ` ${TOKEN}é`],
  ])('refuses %s as a malformed token (401 invalid_token)', (_case, rest) => {
    const check = () =>
      assertB64Token(extractBearerToken(request({ authorization: `Bearer${rest}` }), 8192));
    expect(check).toThrow(
      expect.objectContaining({ constructor: InvalidTokenError, reason: 'malformed' }),
    );
  });

  it('checks the size cap before looking at the token', () => {
    expect(failure(request({ authorization: `Bearer ${'a'.repeat(301)}` }), 300).reason).toBe(
      'too_large',
    );
    expect(
      extractBearerToken(request({ authorization: `Bearer ${'a'.repeat(300)}` }), 300),
    ).toHaveLength(300);
  });
});
