import { decodeCompactJws } from './compact-jws.js';
import { InvalidTokenError } from './keycloak-auth.errors.js';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const header = b64('{"alg":"RS256","typ" : "JWT","kid" : "k1"}');
const payload = b64('{"typ":"Bearer"}');
const signature = b64('0123456789');

describe('decodeCompactJws', () => {
  it("decodes Keycloak's header bytes (spaces around colons) and the payload", () => {
    expect(decodeCompactJws(`${header}.${payload}.${signature}`)).toEqual({
      header: { alg: 'RS256', typ: 'JWT', kid: 'k1' },
      payload: { typ: 'Bearer' },
    });
  });

  it.each([
    ['two segments', `${header}.${payload}`],
    ['four segments', `${header}.${payload}.${signature}.x`],
    ['an empty signature', `${header}.${payload}.`],
    ['an empty header', `.${payload}.${signature}`],
    ['standard base64 characters', `${header}.${payload}.${signature}+/`],
    ['padding', `${header}.${payload}.${signature}=`],
    ['whitespace', `${header}.${payload}. ${signature}`],
    ['a segment of impossible length', `${header}.${payload}.abcde`],
    [
      'non-zero unused bits (a second spelling of the same bytes)',
      `${header}.${payload}.${signature.slice(0, -1)}B`,
    ],
    ['a header that is an array', `${b64('[]')}.${payload}.${signature}`],
    ['a payload that is null', `${header}.${b64('null')}.${signature}`],
    ['a payload that is a string', `${header}.${b64('"x"')}.${signature}`],
    ['invalid JSON', `${header}.${b64('{"a":')}.${signature}`],
    [
      'invalid UTF-8',
      `${header}.${Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url')}.${signature}`,
    ],
  ])('refuses %s as malformed', (_case, token) => {
    expect(() => decodeCompactJws(token)).toThrow(
      expect.objectContaining({ constructor: InvalidTokenError, reason: 'malformed' }),
    );
  });
});
