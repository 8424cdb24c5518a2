import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand } from '../run-command.js';
import type { StandInRecipe } from '../stand-in-recipe.js';
import { STAND_IN_BASE } from './debian-base.recipe.js';

export interface GoBinaryImage {
  id: string;
  /** Image repositories the recipe builds (`axllent/mailpit`, `docker.io/axllent/mailpit`). */
  repositories: string[];
  /** The image tags it accepts. */
  tag: RegExp;
  /** The Go module, e.g. `github.com/axllent/mailpit`. */
  module: string;
  /** The module version a tag is released as (by default the tag itself). */
  moduleVersion?: (tag: string) => Promise<string>;
  /** The main package inside the module (`.`, `cmd/jaeger`). */
  mainPackage: string;
  /** Where the binary goes in the image, as in the official one. */
  path: string;
  /** `-X` settings stamped as release builds do; `{tag}` is replaced by the image tag. */
  versionVariables?: Record<string, string>;
  /** Files of the module the official image also carries: module path → image path. */
  files?: Record<string, string>;
  /** Dockerfile lines after the binary: ENV, EXPOSE, HEALTHCHECK, USER, ENTRYPOINT... */
  dockerfileTail: string[];
  definedIn: string[];
}

/**
 * A stand-in for an image that is one static Go binary, built from the module's source as the
 * Go module proxy serves it (`go mod download`), as the main module (as release builds are,
 * and as `go install` cannot when the module has replace or exclude directives), CGO off, onto
 * the Debian base. Mailpit is one; Jaeger is another.
 */
export function goBinaryRecipe(spec: GoBinaryImage): StandInRecipe {
  return {
    id: spec.id,
    builtFrom: `Go module proxy: ${spec.module} (${spec.mainPackage}) built on the Debian base`,
    base: STAND_IN_BASE,
    definedIn: [__filename, ...spec.definedIn],
    matches: (image) => spec.repositories.includes(image.repository) && spec.tag.test(image.tag),
    async resolve(image) {
      const module = spec.moduleVersion ? await spec.moduleVersion(image.tag) : image.tag;
      const go = (await runCommand('go', ['env', 'GOVERSION'])).trim();
      return { [spec.id]: image.tag, module: `${spec.module}@${module}`, go };
    },
    async prepare(image, versions, context) {
      const source = await moduleSource(versions.module);
      const work = await mkdtemp(join(tmpdir(), `stand-in-${spec.id}-src-`));
      try {
        await cp(source, work, { recursive: true });
        await runCommand('chmod', ['-R', 'u+w', work]);
        const ldflags = [
          '-s',
          '-w',
          ...Object.entries(spec.versionVariables ?? {}).map(
            ([name, value]) => `-X ${name}=${value.replace('{tag}', image.tag)}`,
          ),
        ].join(' ');
        await runCommand(
          'go',
          [
            'build',
            '-trimpath',
            `-ldflags=${ldflags}`,
            '-o',
            join(context, 'bin', spec.id),
            `./${spec.mainPackage}`,
          ],
          { cwd: work, env: { ...process.env, CGO_ENABLED: '0' } },
        );
        for (const [from, to] of Object.entries(spec.files ?? {})) {
          const target = join(context, 'files', to);
          await mkdir(dirname(target), { recursive: true });
          await cp(join(work, from), target);
          await chmod(target, 0o644);
        }
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      const files = spec.files ? ['COPY files/ /'] : [];
      await writeFile(
        join(context, 'Dockerfile'),
        [
          `FROM ${STAND_IN_BASE}`,
          `COPY bin/${spec.id} ${spec.path}`,
          ...files,
          ...spec.dockerfileTail,
          '',
        ].join('\n'),
      );
    },
  };
}

/** The module's source directory in the module cache (`go mod download`). */
export async function moduleSource(moduleAtVersion: string): Promise<string> {
  const info = JSON.parse(
    await runCommand('go', ['mod', 'download', '-json', moduleAtVersion]),
  ) as {
    Dir?: string;
    Error?: string;
  };
  if (!info.Dir)
    throw new Error(`go mod download ${moduleAtVersion}: ${info.Error ?? 'no source'}`);
  return info.Dir;
}
