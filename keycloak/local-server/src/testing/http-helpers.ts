/** Values for the techstore realm's placeholders used by the specs (never real secrets). */
export const TEST_ENV = {
  SHOP_API_CLIENT_SECRET: 'test-shop-api-secret',
  REPORTING_JOB_CLIENT_SECRET: 'test-reporting-job-secret',
  NOTIFICATION_SERVICE_CLIENT_SECRET: 'test-notification-service-secret',
  DEMO_USER_PASSWORD: 'test-alice-password',
};

// Specs read parsed JSON and decoded claims freely; their shapes are what the specs assert.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: Json;
}

async function answer(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: Object.fromEntries(response.headers), text, json };
}

export const basicAuth = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

/** POSTs a form (pairs keep duplicates) to a URL. */
export async function postForm(
  url: string,
  form: Record<string, string> | Array<[string, string]>,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    }),
  );
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return answer(await fetch(url, { headers }));
}

/** Header text (exact bytes), header and payload of a compact JWS, without verifying it. */
export function decodeToken(token: string): { headerText: string; header: Json; payload: Json } {
  const [header, payload] = token.split('.');
  const headerText = Buffer.from(header, 'base64url').toString('utf8');
  return {
    headerText,
    header: JSON.parse(headerText),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
  };
}
