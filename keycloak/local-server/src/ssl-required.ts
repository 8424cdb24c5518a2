import { BlockList, isIPv6 } from 'node:net';
import { OAuthError } from './oauth-error.js';

// Keycloak's SslRequired.EXTERNAL exempts loopback, site-local, link-local and IPv6 ULA
// addresses (facts §10.1).
const LOCAL = new BlockList();
for (const [network, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
] as const) {
  LOCAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  LOCAL.addSubnet(network, prefix, 'ipv6');
}

/** Whether a realm's `sslRequired` refuses a plain-HTTP request from this address. */
export function httpsRequired(sslRequired: string, address: string): boolean {
  if (sslRequired === 'none') return false;
  if (sslRequired === 'all') return true;
  return !LOCAL.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** The SSL check every OIDC endpoint runs first (this server only speaks HTTP). */
export function checkSsl(sslRequired: string, address: string): void {
  if (httpsRequired(sslRequired, address))
    throw new OAuthError(403, 'invalid_request', 'HTTPS required');
}
