import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeycloakAdmin } from '../real-keycloak/keycloak-admin.js';
import { REPO_ROOT } from '../support/processes.js';

const KEY_PROVIDER = 'org.keycloak.keys.KeyProvider';

/** What a Keycloak admin does to a realm, through the admin REST API (as the console does). */
export class RealmOperations {
  constructor(
    private readonly admin: KeycloakAdmin,
    readonly realm: string,
  ) {}

  /**
   * Imports keycloak/techstore-realm.json under this realm's name, its `${VAR}` placeholders
   * filled from `values` (what `--import-realm` does at start-up from the environment).
   */
  async createFromTechstore(values: Record<string, string>): Promise<void> {
    const text = readFileSync(join(REPO_ROOT, 'keycloak', 'techstore-realm.json'), 'utf8').replace(
      /\$\{([A-Z0-9_]+)\}/g,
      (_, name: string) => values[name] ?? '',
    );
    const representation = { ...(JSON.parse(text) as object), realm: this.realm };
    await this.admin.request('POST', '/realms', representation);
  }

  async delete(): Promise<void> {
    await this.admin.request('DELETE', `/realms/${this.realm}`);
  }

  /** Changes realm settings, e.g. `{ accessTokenLifespan: 15 }`. */
  async update(settings: Record<string, unknown>): Promise<void> {
    await this.admin.request('PUT', `/realms/${this.realm}`, settings);
  }

  /** The kid of the key that signs RS256 tokens now. */
  async activeRs256Kid(): Promise<string> {
    const keys = await this.admin.request<{ active: Record<string, string> }>(
      'GET',
      `/realms/${this.realm}/keys`,
    );
    return keys.active.RS256;
  }

  /**
   * Adds a generated RS256 key (the console's "Add provider" → rsa-generated) with the given
   * priority: above the current key's, it signs every token from now on. Returns the component id.
   */
  async addRsaKey(name: string, priority: number): Promise<string> {
    const { id: parentId } = await this.admin.request<{ id: string }>(
      'GET',
      `/realms/${this.realm}`,
    );
    await this.admin.request('POST', `/realms/${this.realm}/components`, {
      name,
      providerId: 'rsa-generated',
      providerType: KEY_PROVIDER,
      parentId,
      config: {
        priority: [String(priority)],
        enabled: ['true'],
        active: ['true'],
        algorithm: ['RS256'],
        keySize: ['2048'],
      },
    });
    const found = await this.admin.request<Array<{ id: string }>>(
      'GET',
      `/realms/${this.realm}/components?type=${KEY_PROVIDER}&name=${encodeURIComponent(name)}`,
    );
    return found[0].id;
  }

  /** Deletes a key provider: its key leaves the realm's JWKS at once. */
  async deleteComponent(id: string): Promise<void> {
    await this.admin.request('DELETE', `/realms/${this.realm}/components/${id}`);
  }

  private async clientId(clientId: string): Promise<string> {
    const found = await this.admin.request<Array<{ id: string }>>(
      'GET',
      `/realms/${this.realm}/clients?clientId=${encodeURIComponent(clientId)}`,
    );
    return found[0].id;
  }

  /** Whether the server runs with a feature (e.g. CLIENT_SECRET_ROTATION, a preview feature). */
  async featureEnabled(name: string): Promise<boolean> {
    const info = await this.admin.request<{ features?: Array<{ name: string; enabled: boolean }> }>(
      'GET',
      '/serverinfo',
    );
    return info.features?.some((feature) => feature.name === name && feature.enabled) ?? false;
  }

  /**
   * Client secret rotation with a grace period (the `secret-rotation` executor): a profile with
   * the executor, and a policy applying it to confidential clients. Periods in seconds.
   */
  async enableSecretRotation(periods: {
    expiration: number;
    rotatedExpiration: number;
    remainingRotation: number;
  }): Promise<void> {
    await this.admin.request('PUT', `/realms/${this.realm}/client-policies/profiles`, {
      profiles: [
        {
          name: 'secret-rotation',
          description: 'Regenerated secrets: the previous one stays valid for a while',
          executors: [
            {
              executor: 'secret-rotation',
              configuration: {
                'expiration-period': String(periods.expiration),
                'rotated-expiration-period': String(periods.rotatedExpiration),
                'remaining-rotation-period': String(periods.remainingRotation),
              },
            },
          ],
        },
      ],
    });
    await this.admin.request('PUT', `/realms/${this.realm}/client-policies/policies`, {
      policies: [
        {
          name: 'secret-rotation',
          enabled: true,
          conditions: [
            { condition: 'client-access-type', configuration: { type: ['confidential'] } },
          ],
          profiles: ['secret-rotation'],
        },
      ],
    });
  }

  async disableSecretRotation(): Promise<void> {
    await this.admin.request('PUT', `/realms/${this.realm}/client-policies/policies`, {
      policies: [],
    });
    await this.admin.request('PUT', `/realms/${this.realm}/client-policies/profiles`, {
      profiles: [],
    });
  }

  /** Ends a rotation's grace period at once: the previous secret stops working. */
  async invalidateRotatedSecret(clientId: string): Promise<void> {
    const id = await this.clientId(clientId);
    await this.admin.request('DELETE', `/realms/${this.realm}/clients/${id}/client-secret/rotated`);
  }

  /** Creates a client from its representation. */
  async createClient(representation: Record<string, unknown>): Promise<void> {
    await this.admin.request('POST', `/realms/${this.realm}/clients`, representation);
  }

  /** The console's "Regenerate" of a client secret; returns the new secret. */
  async regenerateSecret(clientId: string): Promise<string> {
    const id = await this.clientId(clientId);
    const secret = await this.admin.request<{ value: string }>(
      'POST',
      `/realms/${this.realm}/clients/${id}/client-secret`,
    );
    return secret.value;
  }

  /**
   * Changes a client's settings and attributes (the whole representation is sent back, as the
   * console does).
   */
  async updateClient(
    clientId: string,
    changes: Record<string, unknown>,
    attributes: Record<string, string> = {},
  ): Promise<void> {
    const id = await this.clientId(clientId);
    const current = await this.admin.request<{ attributes?: Record<string, string> }>(
      'GET',
      `/realms/${this.realm}/clients/${id}`,
    );
    await this.admin.request('PUT', `/realms/${this.realm}/clients/${id}`, {
      ...current,
      ...changes,
      attributes: { ...current.attributes, ...attributes },
    });
  }
}

/** The decoded header and payload of a compact JWS (no verification: for assertions only). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as object);
  return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
}

/** The `kid` of a compact JWS. */
export function kidOf(token: string): string {
  const { kid } = decodeJwt(token).header;
  return typeof kid === 'string' ? kid : '';
}
