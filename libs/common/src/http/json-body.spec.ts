import { RequestRejectedError } from './request-rejected.error.js';
import { nestingExceeds, parseJsonBody } from './json-body.js';

const headers = { 'content-type': 'application/json' };
const parse = (text: string | Buffer, extra: Record<string, string> = {}) =>
  parseJsonBody(Buffer.isBuffer(text) ? text : Buffer.from(text), { ...headers, ...extra }, 4);

function rejection(run: () => unknown): { status: number; code: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestRejectedError)
      return { status: error.getStatus(), code: error.code };
    throw error;
  }
  throw new Error('expected a RequestRejectedError');
}

describe('nestingExceeds', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":[[{}]]}', 4, false],
    ['{"a":[[{}]]}', 3, true],
    ['{"a":"[[[[[[["}', 1, false],
    ['{"a":"\\"[[[[["}', 1, false],
    ['{"a\\\\":[[]]}', 2, true],
  ])('%s with at most %i levels: %s', (text, depth, exceeds) => {
    expect(nestingExceeds(text, depth)).toBe(exceeds);
  });

  it('counts a million brackets without recursing', () => {
    expect(nestingExceeds('['.repeat(1_000_000), 16)).toBe(true);
  });
});

describe('parseJsonBody', () => {
  it('parses a JSON object in UTF-8, with or without charset and BOM', () => {
    expect(parse('{"a":[1,{"b":"ü"}]}')).toEqual({ a: [1, { b: 'ü' }] });
    expect(parse('{"a":1}', { 'content-type': 'application/json; charset=UTF-8' })).toEqual({
      a: 1,
    });
    expect(parse('\ufeff{"a":1}')).toEqual({ a: 1 });
    expect(parse('{"a":[[{}]],"b":"[[[[{{{{"}')).toEqual({ a: [[{}]], b: '[[[[{{{{' });
    expect(parse('{"a":1}', { 'content-encoding': 'identity' })).toEqual({ a: 1 });
  });

  it.each([
    [
      'a compressed body',
      '{}',
      { 'content-encoding': 'gzip' },
      415,
      'UNSUPPORTED_CONTENT_ENCODING',
    ],
    [
      'another charset',
      '{}',
      { 'content-type': 'application/json;charset="latin1"' },
      415,
      'UNSUPPORTED_CHARSET',
    ],
    ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), {}, 400, 'BODY_NOT_UTF8'],
    ['an empty body', '  ', {}, 400, 'BODY_EMPTY'],
    ['nesting too deep', '{"a":[[[{}]]]}', {}, 400, 'JSON_TOO_DEEP'],
    ['nesting too deep in invalid JSON', '{"a":[[[{}]]]', {}, 400, 'JSON_TOO_DEEP'],
    [
      'nesting too deep after a forbidden key',
      '{"__proto__":1,"a":[[[{}]]]}',
      {},
      400,
      'JSON_TOO_DEEP',
    ],
    [
      'a forbidden key at the deepest level allowed',
      '{"a":[[{"valueOf":1}]]}',
      {},
      400,
      'JSON_FORBIDDEN_KEY',
    ],
    ['invalid JSON', '{"a":}', {}, 400, 'BODY_NOT_JSON'],
    ['__proto__', '{"__proto__":{}}', {}, 400, 'JSON_FORBIDDEN_KEY'],
    ['a nested constructor', '{"a":{"constructor":1}}', {}, 400, 'JSON_FORBIDDEN_KEY'],
    ['valueOf', '{"valueOf":1}', {}, 400, 'JSON_FORBIDDEN_KEY'],
    ['a top-level array', '[]', {}, 400, 'BODY_NOT_OBJECT'],
    ['a top-level null', 'null', {}, 400, 'BODY_NOT_OBJECT'],
  ])('refuses %s', (_what, body, extra, status, code) => {
    expect(rejection(() => parse(body, extra))).toEqual({ status, code });
  });

  it('never echoes the body in its message', () => {
    try {
      parse('{"secret-value":');
    } catch (error) {
      expect(JSON.stringify((error as RequestRejectedError).getResponse())).not.toContain('secret');
    }
  });

  it('keeps ordinary keys that merely contain a prototype name', () => {
    expect(parse('{"proto":1,"my_constructor":2,"toStringify":3}')).toEqual({
      proto: 1,
      my_constructor: 2,
      toStringify: 3,
    });
  });
});

describe('parseJsonBody, the key it names', () => {
  it.each([
    ['{"a":{"constructor":1},"toString":2}', 'constructor'],
    ['{"toString":{"valueOf":1}}', 'valueOf'],
    ['{"a":[{"b":1},{"hasOwnProperty":1}],"__proto__":{}}', 'hasOwnProperty'],
    ['{"\\u0063onstructor":1}', 'constructor'],
  ])('%s: "%s", the first a JSON.parse reviver would meet', (text, key) => {
    try {
      parse(text);
    } catch (error) {
      expect((error as RequestRejectedError).getResponse()).toMatchObject({
        code: 'JSON_FORBIDDEN_KEY',
        message: expect.stringContaining(`"${key}"`),
      });
      return;
    }
    throw new Error('expected a refusal');
  });
});
