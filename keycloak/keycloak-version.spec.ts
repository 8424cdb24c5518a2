import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readComposeKeycloakService } from './distribution/src/compose-keycloak-service.js';
import { distributionArtifact } from './distribution/src/distribution.js';

// The Keycloak version is written once: the tag of compose's keycloak image. The distribution
// `npm run keycloak:dist` and CI run is derived from it; the READMEs name it; nothing else may
// name another one. (Decision records keep the version they were written for.)
const ROOT = join(__dirname, '..');
const { image, version } = readComposeKeycloakService();
const MENTION = /[Kk]eycloak(?:-quarkus-dist)?[ :]+(\d+\.\d+\.\d+)(?!\+)/g;

const mentions = (file: string) =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(MENTION)].map((match) => match[1]);

describe('one Keycloak version everywhere', () => {
  it('is pinned exactly in docker-compose.yml (the single definition)', () => {
    expect(image).toBe(`quay.io/keycloak/keycloak:${version}`);
    expect(version).toMatch(/^26\.\d+\.\d+$/);
  });

  it('is the distribution npm run keycloak:dist fetches', () => {
    expect(distributionArtifact(version)).toBe(`org.keycloak:keycloak-quarkus-dist:${version}:zip`);
  });

  it.each(['README.md', 'keycloak/README.md'])('is the only exact version %s names', (file) => {
    const found = mentions(file);
    expect(found.length).toBeGreaterThan(0);
    expect([...new Set(found)]).toEqual([version]);
  });

  it.each(['.ci/run', '.ci/keycloak-dist', 'package.json', '.env.example'])(
    'is not written again in %s',
    (file) => {
      expect(mentions(file)).toEqual([]);
      expect(readFileSync(join(ROOT, file), 'utf8')).not.toContain(version);
    },
  );
});
