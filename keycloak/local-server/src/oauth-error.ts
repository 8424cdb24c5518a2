/**
 * An error answer in Keycloak's `OAuth2ErrorRepresentation` shape: HTTP status, `error` and,
 * when Keycloak sends one, `error_description` (facts §2). Thrown by the endpoint handlers and
 * written by the HTTP layer; never carries a secret or a token.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
  ) {
    super(description ? `${error}: ${description}` : error);
    this.name = 'OAuthError';
  }

  toJSON(): { error: string; error_description?: string } {
    return this.description === undefined
      ? { error: this.error }
      : { error: this.error, error_description: this.description };
  }
}

/** Description Keycloak gives every failed client authentication (wrong secret, unknown client). */
export const INVALID_CLIENT_CREDENTIALS = 'Invalid client or Invalid client credentials';
