import { requestContext, requestIdFrom } from './request-context.js';

describe('requestIdFrom', () => {
  it.each(['abc', 'a.b_c:d-1', 'x'.repeat(128)])('keeps a safe X-Request-Id %s', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each<string | string[] | undefined>([
    undefined,
    '',
    'x'.repeat(129),
    'has space',
    'new\nline',
    '<script>',
    ['a', 'b'],
  ])('replaces %p with a new UUID', (header) => {
    expect(requestIdFrom(header)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});

describe('requestContext', () => {
  it('holds the request id for everything run inside, and nothing outside', async () => {
    const seen = await requestContext.run({ requestId: 'r-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return requestContext.getStore()?.requestId;
    });
    expect(seen).toBe('r-1');
    expect(requestContext.getStore()).toBeUndefined();
  });
});
