import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goBinaryRecipe, moduleSource } from './go-binary-image.js';

const MODULE = 'github.com/jaegertracing/jaeger';

/**
 * `jaegertracing/jaeger:<X.Y.Z>` (Jaeger v2): the `cmd/jaeger` binary at /cmd/jaeger/jaeger-linux
 * with its sampling strategies file, `JAEGER_LISTEN_HOST=0.0.0.0`, the official image's ports,
 * `VOLUME /tmp`, user 10001 and entrypoint; with no configuration it runs all-in-one with
 * in-memory storage. The UI bundle is not part of the Go module (release builds embed it from
 * the jaeger-ui repository), so the stand-in serves Jaeger's placeholder page; OTLP intake and
 * the query API (`/api/traces`) are the same.
 */
export const jaegerRecipe = goBinaryRecipe({
  id: 'jaeger',
  repositories: ['jaegertracing/jaeger', 'docker.io/jaegertracing/jaeger'],
  tag: /^\d+\.\d+\.\d+$/,
  module: MODULE,
  moduleVersion: v1ModuleVersion,
  mainPackage: 'cmd/jaeger',
  path: '/cmd/jaeger/jaeger-linux',
  versionVariables: { [`${MODULE}/internal/version.latestVersion`]: 'v{tag}' },
  files: { 'cmd/jaeger/sampling-strategies.json': '/cmd/jaeger/sampling-strategies.json' },
  dockerfileTail: [
    'ENV JAEGER_LISTEN_HOST=0.0.0.0',
    'EXPOSE 5778 5779 4317 4318 14268 14250 9411 16686 13132 13133',
    'VOLUME ["/tmp"]',
    'ENTRYPOINT ["/cmd/jaeger/jaeger-linux"]',
    'USER 10001',
  ],
  definedIn: [__filename],
});

/**
 * Jaeger releases v2.Y.Z under its module's v1 versions (the module path has no /v2): its
 * CHANGELOG pairs them (`v1.75.0 / v2.12.0 (date)`). Read from the newest module version.
 */
async function v1ModuleVersion(tag: string): Promise<string> {
  const changelog = await readFile(
    join(await moduleSource(`${MODULE}@latest`), 'CHANGELOG.md'),
    'utf8',
  );
  const escaped = tag.replace(/\./g, '\\.');
  const pair = new RegExp(`^(v1\\.\\d+\\.\\d+) / v${escaped} `, 'm').exec(changelog);
  if (!pair) throw new Error(`Jaeger's CHANGELOG names no module version for v${tag}`);
  return pair[1];
}
