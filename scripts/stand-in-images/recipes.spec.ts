import { join } from 'node:path';
import { parseImageReference } from './image-reference.js';
import { imageUses } from './image-uses.js';
import { RECIPES, recipeFor } from './recipes.js';
import { STAND_IN_BASE } from './recipes/debian-base.recipe.js';

const repoRoot = join(__dirname, '..', '..');
const recipeOf = (name: string) => recipeFor(parseImageReference(name)).id;

describe('stand-in recipes', () => {
  it("cover every image this repository's stack names (a new image needs a recipe first)", () => {
    const uses = imageUses([join(repoRoot, 'docker-compose.yml')], {});
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const { name } of uses) {
      expect({
        name,
        recipe: RECIPES.find((r) => r.matches(parseImageReference(name)))?.id,
      }).toEqual({
        name,
        recipe: expect.any(String),
      });
    }
  });

  it.each([
    ['node:24-slim', 'node'],
    ['node:24.22.3-bookworm-slim', 'node'],
    ['docker.io/library/node:22-slim', 'node'],
    ['quay.io/keycloak/keycloak:26.6.4', 'keycloak'],
    ['axllent/mailpit:v1.31.2', 'mailpit'],
    ['jaegertracing/jaeger:2.12.0', 'jaeger'],
    ['postgres:15.18-bookworm', 'postgres'],
    [STAND_IN_BASE, 'debian-base'],
  ])('%s is built by the %s recipe', (name, id) => {
    expect(recipeOf(name)).toBe(id);
  });

  it.each([
    ['node:24-alpine', 'a variant other than Debian slim'],
    ['quay.io/keycloak/keycloak:26.6', 'a floating Keycloak tag'],
    ['axllent/mailpit:latest', 'latest'],
    ['postgres:17-alpine', 'a variant other than Debian'],
    ['redis:7.4.2', 'an image without a recipe'],
  ])('refuses %s (%s), pointing at where recipes are added', (name) => {
    expect(() => recipeOf(name)).toThrow(`no stand-in recipe builds ${name}`);
  });

  it('refuses digests and untagged names', () => {
    expect(() => parseImageReference('node@sha256:abc')).toThrow('a digest');
    expect(() => parseImageReference('localhost:5000/node')).toThrow('no tag');
    expect(parseImageReference('localhost:5000/node:24-slim')).toEqual({
      name: 'localhost:5000/node:24-slim',
      repository: 'localhost:5000/node',
      tag: '24-slim',
    });
  });

  it('build every image but the base on the stand-in base', () => {
    expect(RECIPES.filter((r) => r.id !== 'debian-base').map((r) => r.base)).toEqual(
      Array(RECIPES.length - 1).fill(STAND_IN_BASE),
    );
  });
});
