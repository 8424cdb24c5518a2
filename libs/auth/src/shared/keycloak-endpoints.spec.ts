import { keycloakEndpoints } from './keycloak-endpoints.js';

describe('keycloakEndpoints', () => {
  it('derives every realm endpoint from the realm URL', () => {
    expect(keycloakEndpoints('http://keycloak:8080/realms/techstore/')).toEqual({
      realmUrl: 'http://keycloak:8080/realms/techstore',
      discovery: 'http://keycloak:8080/realms/techstore/.well-known/openid-configuration',
      token: 'http://keycloak:8080/realms/techstore/protocol/openid-connect/token',
      certs: 'http://keycloak:8080/realms/techstore/protocol/openid-connect/certs',
      introspection:
        'http://keycloak:8080/realms/techstore/protocol/openid-connect/token/introspect',
      revocation: 'http://keycloak:8080/realms/techstore/protocol/openid-connect/revoke',
    });
  });

  it('keeps the legacy /auth context path', () => {
    expect(keycloakEndpoints('http://kc/auth/realms/x').token).toBe(
      'http://kc/auth/realms/x/protocol/openid-connect/token',
    );
  });

  it.each(['http://kc:8080', 'http://kc:8080/realms/', 'not a url'])('rejects %s', (url) => {
    expect(() => keycloakEndpoints(url)).toThrow();
  });
});
