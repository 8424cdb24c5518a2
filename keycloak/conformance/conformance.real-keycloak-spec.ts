/**
 * Side-by-side conformance: the same requests to the local Keycloak-compatible server and to real
 * Keycloak, both loaded with the same realm files and placeholder values, and both reached the
 * same way (backchannel http://127.0.0.1:<port>, frontend URL http://localhost:<port>). The
 * answers are compared field by field after normalization (own URLs, random ids, key material,
 * timestamps): status, headers, body members, their order and JSON types, and the decoded header
 * bytes and claims of every token. A difference fails unless src/allow-list.ts says why it stays.
 */
import { writeFileSync } from 'node:fs';
import { DEFAULT_REALM_FILE, startLocalKeycloak, type LocalKeycloak } from '@app/keycloak-local';
import { devSecrets } from '../../test/support/stack.js';
import { freePort } from '../../test/support/processes.js';
import { useExclusively } from '../../test/real-keycloak/exclusive-use.js';
import {
  realKeycloakSkipReason,
  realKeycloakTarget,
} from '../../test/real-keycloak/real-keycloak-target.js';
import { readComposeKeycloakService } from '../distribution/src/compose-keycloak-service.js';
import { ALLOWED_DIFFERENCES, allowanceFor } from './src/allow-list.js';
import { CONFORMANCE_ENV, CONFORMANCE_REALM_FILE } from './src/conformance-realm.js';
import { differences, type Difference } from './src/differences.js';
import { conformanceProbes, techstoreProbes, type Probe } from './src/probes.js';
import { ServerClient } from './src/server-client.js';

jest.setTimeout(60_000);

const target = realKeycloakTarget();
const secrets = devSecrets();
const realms: Array<[string, Probe[]]> = [
  ['techstore', techstoreProbes(secrets)],
  ['conformance', conformanceProbes()],
];
const usedAllowances = new Set<number>();
const found: Array<Difference & { probe: string }> = [];

const suite = target && target.realms.includes('conformance') ? describe : describe.skip;
const title = target
  ? `local Keycloak-compatible server vs Keycloak ${target.version}`
  : `local server vs real Keycloak (skipped: ${realKeycloakSkipReason()})`;

suite(title, () => {
  let local: LocalKeycloak;
  let release: () => void;
  const servers = {} as { local: ServerClient; keycloak: ServerClient };

  beforeAll(async () => {
    release = await useExclusively(target!.url);
    const port = await freePort();
    local = await startLocalKeycloak({
      port,
      host: '127.0.0.1',
      realms: [DEFAULT_REALM_FILE, CONFORMANCE_REALM_FILE],
      env: { ...secrets, ...CONFORMANCE_ENV },
      frontendUrl: `http://localhost:${port}`,
      log: () => {},
    });
    servers.local = new ServerClient('local', {
      url: `http://127.0.0.1:${port}`,
      frontendUrl: `http://localhost:${port}`,
    });
    servers.keycloak = new ServerClient('keycloak', {
      url: target!.url,
      frontendUrl: target!.frontendUrl,
    });
  });

  afterAll(async () => {
    await local?.stop();
    release?.();
    if (process.env.KEYCLOAK_CONFORMANCE_REPORT) {
      writeFileSync(process.env.KEYCLOAK_CONFORMANCE_REPORT, `${JSON.stringify(found, null, 2)}\n`);
    }
  });

  const pinned = target?.startedByThisRun ? it : it.skip;
  pinned('compares with the Keycloak version docker-compose.yml pins', () => {
    expect(target!.version).toBe(readComposeKeycloakService().version);
  });

  describe.each(realms)('realm %s', (realm, probes) => {
    it.each(probes.map((probe): [string, Probe] => [probe.name, probe]))(
      '%s',
      async (_name, probe) => {
        const localAnswer = await probe.run(servers.local);
        const keycloakAnswer = await probe.run(servers.keycloak);
        const label = `${realm}: ${probe.name}`;
        const unexplained = differences(localAnswer, keycloakAnswer).filter((difference) => {
          found.push({ probe: label, ...difference });
          const allowance = allowanceFor(label, difference);
          if (allowance) usedAllowances.add(ALLOWED_DIFFERENCES.indexOf(allowance));
          return !allowance;
        });
        expect(unexplained).toEqual([]);
      },
    );
  });

  it('every allow-list entry still explains a difference (the list stays short and true)', () => {
    const unused = ALLOWED_DIFFERENCES.filter(
      (entry, index) => !entry.random && !usedAllowances.has(index),
    );
    expect(unused.map((entry) => `${entry.probe} ${entry.path}: ${entry.reason}`)).toEqual([]);
  });
});
