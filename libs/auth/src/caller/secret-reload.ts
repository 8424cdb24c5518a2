import type { ClientAuthentication } from './client-authentication.js';
import { TokenEndpointError, type ServiceTokenError } from './service-token.errors.js';

/**
 * Secret rotation without a restart (ADR 0004): when Keycloak rejects the credentials and the
 * secret comes from a file or a provider, it is read again, once per fetch. A different secret
 * earns one more attempt, at once.
 */
export class SecretReload {
  private tried = false;

  constructor(private readonly auth: ClientAuthentication) {}

  /** Whether `error` calls for a re-read; if so, reads again and says whether the secret changed. */
  async afterFailure(
    error: ServiceTokenError,
  ): Promise<{ reloaded: false } | { reloaded: true; changed: boolean }> {
    if (
      this.tried ||
      !this.auth.reloadable ||
      !(error instanceof TokenEndpointError && error.credentialsRejected)
    ) {
      return { reloaded: false };
    }
    this.tried = true;
    return { reloaded: true, changed: await this.auth.reload() };
  }
}
