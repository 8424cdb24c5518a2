import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { require as tsxRequire } from 'tsx/cjs/api';
import type * as ConformanceRealm from '../../keycloak/conformance/src/conformance-realm.js';
import type * as Distribution from '../../keycloak/distribution/src/index.js';
import type { DistKeycloak } from '../../keycloak/distribution/src/index.js';
import type * as Admin from './keycloak-admin.js';
import type * as Target from './real-keycloak-target.js';
import type { RealKeycloakTarget } from './real-keycloak-target.js';

// Jest loads a global setup with Node's own require, where `./x.js` does not find `./x.ts`:
// the modules it needs are loaded through tsx instead.
const load = <T>(path: string): T => tsxRequire(path, __filename) as T;
const { CONFORMANCE_ENV, CONFORMANCE_REALM_FILE } = load<typeof ConformanceRealm>(
  '../../keycloak/conformance/src/conformance-realm.ts',
);
const { DistKeycloakSetupError, startDistKeycloak } = load<typeof Distribution>(
  '../../keycloak/distribution/src/index.ts',
);
const { publishSkip, publishTarget } = load<typeof Target>('./real-keycloak-target.ts');
const { KeycloakAdmin } = load<typeof Admin>('./keycloak-admin.ts');

// Global setup of the `real-keycloak` Jest project (it runs only when a test of that project is
// selected): starts real Keycloak once for the whole run, from its distribution, as compose's
// `keycloak` service runs it, with the conformance realm imported as well. KEYCLOAK_URL points
// the project at a Keycloak someone else runs instead. Without Java (or Maven and no cached
// distribution) the project is skipped with one line, except under CI=true, where it must run.

const REPO = join(__dirname, '..', '..');
const SECRET_ROTATION_FEATURE = 'client-secret-rotation';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

declare global {
  var realKeycloak: DistKeycloak | undefined;
}

async function provided(url: string): Promise<RealKeycloakTarget> {
  const dev = parseEnv(readFileSync(join(REPO, '.env.example'), 'utf8'));
  const base = url.replace(/\/+$/, '');
  const issuer = process.env.KEYCLOAK_ISSUER;
  const conformance = await fetch(`${base}/realms/conformance`).then(
    (response) => response.ok,
    () => false,
  );
  const admin = {
    username: process.env.KC_BOOTSTRAP_ADMIN_USERNAME || dev.KC_BOOTSTRAP_ADMIN_USERNAME || '',
    password: process.env.KC_BOOTSTRAP_ADMIN_PASSWORD || dev.KC_BOOTSTRAP_ADMIN_PASSWORD || '',
  };
  const version = await new KeycloakAdmin(base, admin).version().catch(() => 'unknown');
  return {
    url: base,
    frontendUrl: issuer ? issuer.replace(/\/realms\/[^/]+$/, '') : base,
    version,
    realms: conformance ? ['techstore', 'conformance'] : ['techstore'],
    admin,
    startedByThisRun: false,
  };
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KEYCLOAK_URL) {
    const target = await provided(process.env.KEYCLOAK_URL);
    publishTarget(target);
    process.stdout.write(
      `\nReal Keycloak ${target.version}: KEYCLOAK_URL=${target.url} (not started by this run; realms ${target.realms.join(', ')})\n`,
    );
    return;
  }
  let keycloak: DistKeycloak;
  try {
    keycloak = await startDistKeycloak({
      realms: [CONFORMANCE_REALM_FILE],
      // The preview feature behind client secret rotation with a grace period, which the
      // operations suite goes through (ADR 0024); compose leaves it off.
      extraEnv: { ...CONFORMANCE_ENV, KC_FEATURES: SECRET_ROTATION_FEATURE },
    });
  } catch (error) {
    if (!(error instanceof DistKeycloakSetupError) || !error.missing) throw error;
    const reason = error.problems.join(' ');
    if (process.env.CI === 'true') {
      throw new Error(`CI=true: the real-Keycloak suites must run, but ${reason}`, {
        cause: error,
      });
    }
    publishSkip(reason);
    process.stdout.write(
      `\nReal Keycloak: skipped, the e2e suite on real Keycloak and the conformance suite did not run (${error.missing} missing: ${reason})\n`,
    );
    return;
  }
  globalThis.realKeycloak = keycloak;
  const { fetched } = keycloak.distribution;
  const fetchedText = fetched
    ? `fetched with Maven in ${seconds(fetched.resolveMs)}, unpacked in ${seconds(fetched.unpackMs)}; `
    : '';
  process.stdout.write(
    `\nReal Keycloak ${keycloak.version} (distribution, Java ${keycloak.javaVersion}): ${fetchedText}ready in ${seconds(keycloak.startupMs)}${keycloak.rebuilt ? " (first start: Keycloak's build step included)" : ''} at ${keycloak.url}, issuer ${keycloak.issuer('techstore')}\n`,
  );
  publishTarget({
    url: keycloak.url,
    frontendUrl: keycloak.frontendUrl,
    version: keycloak.version,
    realms: ['techstore', 'conformance'],
    admin: keycloak.admin,
    startedByThisRun: true,
    restartable: { processGroup: keycloak.processGroup, managementPort: keycloak.managementPort },
  });
}
