import { interpolate } from './interpolate.js';

describe('interpolate', () => {
  const values = { SET: 'value', EMPTY: '' };

  it.each([
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['${UNSET}', ''],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${SET:-fallback}', 'value'],
    ['${SET:+alternative}', 'alternative'],
    ['${UNSET:+alternative}', ''],
    ['$$SET', '$SET'],
    ['node:${MAJOR:-24}-slim', 'node:24-slim'],
  ])('%s → %s', (text, expected) => {
    expect(interpolate(text, values)).toBe(expected);
  });

  it('fails on ${VAR:?message} when VAR is unset, naming it', () => {
    expect(() => interpolate('${UNSET:?pin a version}', values)).toThrow(
      'UNSET is required: pin a version',
    );
  });
});
