import { join } from 'node:path';
import { DistKeycloakSetupError } from './dist-keycloak.errors.js';
import { distributionArtifact, resolveDistribution } from './distribution.js';
import { fakeDistribution } from './testing/fake-distribution.js';
import { removeScratch, scratchDir } from './testing/scratch.js';

describe('resolveDistribution', () => {
  const emptyCache = () => scratchDir('keycloak-cache-');
  afterAll(removeScratch);

  it('uses KEYCLOAK_HOME as it is, whatever version it holds', async () => {
    const home = fakeDistribution('26.5.1');
    const distribution = await resolveDistribution('26.6.4', {
      KEYCLOAK_HOME: home,
      KEYCLOAK_DIST_CACHE: emptyCache(),
    });
    expect(distribution).toMatchObject({ home, version: '26.5.1', origin: 'KEYCLOAK_HOME' });
    expect(distribution.fetched).toBeUndefined();
  });

  it('refuses a KEYCLOAK_HOME that is no unpacked distribution', async () => {
    const home = emptyCache();
    await expect(resolveDistribution('26.6.4', { KEYCLOAK_HOME: home })).rejects.toThrow(
      `KEYCLOAK_HOME=${home} is not an unpacked Keycloak distribution`,
    );
  });

  it('reuses a distribution already unpacked in the cache, without Maven', async () => {
    const home = fakeDistribution('26.6.4');
    const distribution = await resolveDistribution('26.6.4', {
      KEYCLOAK_DIST_CACHE: join(home, '..'),
      PATH: '/nonexistent',
    });
    expect(distribution).toMatchObject({ home, version: '26.6.4', origin: 'cache' });
  });

  it('without a cached distribution and without Maven, says so and names the other ways', async () => {
    const attempt = resolveDistribution('26.6.4', {
      KEYCLOAK_DIST_CACHE: emptyCache(),
      PATH: '/nonexistent',
    });
    await expect(attempt).rejects.toBeInstanceOf(DistKeycloakSetupError);
    await expect(attempt).rejects.toMatchObject({
      missing: 'maven',
      message: expect.stringMatching(
        /Maven \(`mvn`\) is not installed to fetch org\.keycloak:keycloak-quarkus-dist:26\.6\.4:zip.*docker compose up -d keycloak.*npm run keycloak:local/s,
      ) as unknown,
    });
  });

  it('names the Maven artifact of a version', () => {
    expect(distributionArtifact('26.6.4')).toBe('org.keycloak:keycloak-quarkus-dist:26.6.4:zip');
  });
});
