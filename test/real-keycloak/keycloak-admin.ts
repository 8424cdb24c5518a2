/** What the admin API returns for one stored event (the members the tests read). */
export interface KeycloakEvent {
  time: number;
  type: string;
  clientId?: string;
  ipAddress?: string;
  error?: string;
}

/**
 * Keycloak's admin REST API, as its temporary admin (`KC_BOOTSTRAP_ADMIN_*`): reads the event
 * store of a realm whose `eventsEnabled` is true, and sends any other admin request (`request`).
 */
export class KeycloakAdmin {
  private accessToken?: { value: string; expiresAt: number };

  constructor(
    private readonly url: string,
    private readonly admin: { username: string; password: string },
  ) {}

  private async token(): Promise<string> {
    if (this.accessToken && this.accessToken.expiresAt > Date.now()) return this.accessToken.value;
    const response = await fetch(`${this.url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: this.admin.username,
        password: this.admin.password,
      }),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!response.ok || !body.access_token) {
      throw new Error(`the admin API refused the temporary admin (${response.status})`);
    }
    this.accessToken = {
      value: body.access_token,
      expiresAt: Date.now() + ((body.expires_in ?? 60) - 10) * 1000,
    };
    return body.access_token;
  }

  /** Stored events of a realm (newest first), of the given types and client. */
  async events(
    realm: string,
    filter: { types: string[]; client?: string; since?: number },
  ): Promise<KeycloakEvent[]> {
    const query = new URLSearchParams({ max: '10000' });
    for (const type of filter.types) query.append('type', type);
    if (filter.client) query.set('client', filter.client);
    if (filter.since !== undefined) query.set('dateFrom', String(filter.since));
    const response = await fetch(`${this.url}/admin/realms/${realm}/events?${query.toString()}`, {
      headers: { authorization: `Bearer ${await this.token()}` },
    });
    if (!response.ok) throw new Error(`GET events of ${realm}: ${response.status}`);
    const events = (await response.json()) as KeycloakEvent[];
    return events.filter((event) => filter.since === undefined || event.time >= filter.since);
  }

  /**
   * One admin request (`path` below `/admin`), JSON in and out; throws on a non-2xx answer,
   * naming the method, path and status only (never a body, which may hold a secret).
   */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.token()}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /admin${path}: ${response.status}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The server's version, as its admin API reports it. */
  async version(): Promise<string> {
    const response = await fetch(`${this.url}/admin/serverinfo`, {
      headers: { authorization: `Bearer ${await this.token()}` },
    });
    if (!response.ok) throw new Error(`GET serverinfo: ${response.status}`);
    const info = (await response.json()) as { systemInfo?: { version?: string } };
    return info.systemInfo?.version ?? 'unknown';
  }

  /** Token requests a client made since a time, as Keycloak recorded them (success or not). */
  async tokenRequests(realm: string, clientId: string, since: number): Promise<number> {
    const events = await this.events(realm, {
      types: ['CLIENT_LOGIN', 'CLIENT_LOGIN_ERROR', 'LOGIN', 'LOGIN_ERROR'],
      client: clientId,
      since,
    });
    return events.length;
  }
}
