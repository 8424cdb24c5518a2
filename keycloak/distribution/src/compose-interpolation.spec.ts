import { interpolate } from './compose-interpolation.js';
import { DistKeycloakSetupError } from './dist-keycloak.errors.js';

describe('interpolate (Docker Compose variable syntax)', () => {
  const env = { SET: 'value', EMPTY: '' };

  it.each([
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['${UNSET}', ''],
    ['${SET:-fallback}', 'value'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${UNSET-fallback}', 'fallback'],
    ['${SET:+alternative}', 'alternative'],
    ['${EMPTY:+alternative}', ''],
    ['${EMPTY+alternative}', 'alternative'],
    ['${UNSET+alternative}', ''],
    ['$${SET} stays literal, $$ is one dollar', '${SET} stays literal, $ is one dollar'],
    ['http://${SET}:8080/${UNSET:-x}', 'http://value:8080/x'],
  ])('%s → %s', (text, expected) => {
    expect(interpolate(text, env)).toBe(expected);
  });

  it.each(['${UNSET:?needed}', '${EMPTY:?needed}', '${UNSET?needed}'])(
    '%s stops with the variable named',
    (text) => {
      expect(() => interpolate(text, env)).toThrow(DistKeycloakSetupError);
      expect(() => interpolate(text, env)).toThrow(/requires (UNSET|EMPTY): needed/);
    },
  );

  it('accepts an empty value for ${VAR?message}', () => {
    expect(interpolate('${EMPTY?needed}', env)).toBe('');
  });
});
