import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerfileImages, imageUses } from './image-uses.js';

describe('dockerfileImages', () => {
  it('takes FROM images, not stage names or scratch', () => {
    const text = [
      'FROM node:24-slim AS build',
      'RUN npm ci',
      'FROM build AS test',
      'FROM scratch',
      'FROM --platform=linux/amd64 node:24-slim AS runtime',
    ].join('\n');
    expect(dockerfileImages(text)).toEqual(['node:24-slim']);
  });

  it('applies ARG defaults declared before the first FROM, overridden by build args', () => {
    const text =
      'ARG VERSION=26.6.4\nARG BASE\nFROM quay.io/keycloak/keycloak:${VERSION} AS builder\n';
    expect(dockerfileImages(text)).toEqual(['quay.io/keycloak/keycloak:26.6.4']);
    expect(dockerfileImages(text, { VERSION: '26.7.0' })).toEqual([
      'quay.io/keycloak/keycloak:26.7.0',
    ]);
  });

  it('takes COPY --from images that are not stages, and the # syntax= frontend', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      '# a comment',
      'FROM node:24-slim AS build',
      'COPY --from=build /app /app',
      'COPY --from=0 /x /x',
      'COPY --from=busybox:1.36 /bin/busybox /busybox',
    ].join('\n');
    expect(dockerfileImages(text)).toEqual(['docker/dockerfile:1', 'node:24-slim', 'busybox:1.36']);
  });

  it('joins continued lines', () => {
    expect(dockerfileImages('FROM \\\n  node:24-slim \\\n  AS build\n')).toEqual(['node:24-slim']);
  });
});

describe('imageUses', () => {
  const directory = mkdtempSync(join(tmpdir(), 'image-uses-'));
  writeFileSync(join(directory, 'Dockerfile'), 'ARG NODE_MAJOR=22\nFROM node:${NODE_MAJOR}-slim\n');
  writeFileSync(
    join(directory, 'keycloak.Dockerfile'),
    'ARG KC=26.6.4\nFROM quay.io/keycloak/keycloak:${KC}\n',
  );
  writeFileSync(
    join(directory, 'compose.yml'),
    [
      'services:',
      '  mail:',
      '    image: axllent/mailpit:${MAILPIT_TAG:-v1.31.2}',
      '  app:',
      '    image: my-app:dev',
      '    build:',
      '      context: .',
      '      args:',
      '        NODE_MAJOR: "24"',
      '  keycloak:',
      '    build:',
      '      context: .',
      '      dockerfile: keycloak.Dockerfile',
      '  inline:',
      '    build:',
      '      dockerfile_inline: |',
      '        FROM postgres:17',
      '  again:',
      '    image: axllent/mailpit:v1.31.2',
    ].join('\n'),
  );
  writeFileSync(
    join(directory, 'override.yml'),
    'services:\n  extra:\n    image: jaegertracing/jaeger:2.0.0\n',
  );

  it("reads service images, and the base images of services built from a Dockerfile (not the built image's name)", () => {
    expect(imageUses([join(directory, 'compose.yml')], {}).map((use) => use.name)).toEqual([
      'axllent/mailpit:v1.31.2',
      'node:24-slim',
      'quay.io/keycloak/keycloak:26.6.4',
      'postgres:17',
    ]);
  });

  it("applies compose's variables and reads every compose file given", () => {
    const uses = imageUses([join(directory, 'compose.yml'), join(directory, 'override.yml')], {
      MAILPIT_TAG: 'v1.32.0',
    });
    expect(uses.map((use) => use.name)).toEqual([
      'axllent/mailpit:v1.32.0',
      'node:24-slim',
      'quay.io/keycloak/keycloak:26.6.4',
      'postgres:17',
      'axllent/mailpit:v1.31.2',
      'jaegertracing/jaeger:2.0.0',
    ]);
    expect(uses[0].usedBy).toBe('service mail');
    expect(uses[1].usedBy).toBe(join(directory, 'Dockerfile'));
  });
});
