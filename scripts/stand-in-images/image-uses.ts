import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { interpolate } from './interpolate.js';

/** An image that compose or a Dockerfile expects to find (or pull), and who names it. */
export interface ImageUse {
  readonly name: string;
  readonly usedBy: string;
}

interface ComposeBuild {
  context?: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | number | null> | string[];
}

interface ComposeService {
  image?: string;
  build?: string | ComposeBuild;
}

/**
 * Every image the stack needs that is not built from this repository: the `image:` of each
 * compose service without a `build:`, and the base images (`FROM`, `COPY --from=`, `# syntax=`)
 * of each Dockerfile a service is built from, with compose's variables and the Dockerfile's ARG
 * defaults (overridden by the service's build args) applied. `composeFiles` are read in order, as
 * `docker compose -f … -f …` would; the union of their images is returned.
 */
export function imageUses(
  composeFiles: string[],
  env: Record<string, string | undefined> = process.env,
): ImageUse[] {
  const uses = new Map<string, ImageUse>();
  const add = (name: string, usedBy: string) => {
    if (!uses.has(name)) uses.set(name, { name, usedBy });
  };
  for (const file of composeFiles) {
    const compose = parse(readFileSync(file, 'utf8')) as {
      services?: Record<string, ComposeService>;
    };
    for (const [service, definition] of Object.entries(compose.services ?? {})) {
      const build = definition.build;
      if (build === undefined) {
        if (definition.image) add(interpolate(definition.image, env), `service ${service}`);
        continue;
      }
      const options: ComposeBuild = typeof build === 'string' ? { context: build } : build;
      const context = resolve(dirname(file), interpolate(options.context ?? '.', env));
      const dockerfilePath = interpolate(options.dockerfile ?? 'Dockerfile', env);
      const dockerfile = options.dockerfile_inline
        ? { text: options.dockerfile_inline, label: `service ${service} (inline Dockerfile)` }
        : readDockerfile(
            isAbsolute(dockerfilePath) ? dockerfilePath : join(context, dockerfilePath),
          );
      if (!dockerfile) continue;
      for (const name of dockerfileImages(dockerfile.text, buildArgs(options.args, env))) {
        add(name, dockerfile.label);
      }
    }
  }
  return [...uses.values()];
}

function readDockerfile(path: string): { text: string; label: string } | undefined {
  return existsSync(path) ? { text: readFileSync(path, 'utf8'), label: path } : undefined;
}

function buildArgs(
  args: ComposeBuild['args'],
  env: Record<string, string | undefined>,
): Record<string, string> {
  const entries: [string, string | undefined][] = Array.isArray(args)
    ? args.map((entry) => {
        const at = entry.indexOf('=');
        return at === -1 ? [entry, env[entry]] : [entry.slice(0, at), entry.slice(at + 1)];
      })
    : Object.entries(args ?? {}).map(([name, value]) => [
        name,
        value === null ? env[name] : String(value),
      ]);
  return Object.fromEntries(
    entries
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [name, interpolate(value, env)]),
  );
}

/** The images a Dockerfile starts from or copies from, stage names and `scratch` left out. */
export function dockerfileImages(text: string, args: Record<string, string> = {}): string[] {
  const images: string[] = [];
  // Parser directives (`# syntax=…`) come first; the syntax image is pulled like a base image.
  for (const line of text.split(/\r?\n/)) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'syntax') images.push(directive[2]);
  }
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const globalArgs: Record<string, string> = {};
  const stages = new Set<string>();
  let seenFrom = false;
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    switch (keyword.toUpperCase()) {
      case 'ARG':
        if (!seenFrom) {
          for (const declaration of rest.split(/\s+/)) {
            const at = declaration.indexOf('=');
            const name = at === -1 ? declaration : declaration.slice(0, at);
            const fallback = at === -1 ? undefined : unquote(declaration.slice(at + 1));
            const value = args[name] ?? fallback;
            if (value !== undefined) globalArgs[name] = value;
          }
        }
        break;
      case 'FROM': {
        seenFrom = true;
        const [, image = '', stage] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(rest) ?? [];
        const name = interpolate(image, globalArgs);
        if (name !== 'scratch' && !stages.has(name.toLowerCase())) images.push(name);
        if (stage) stages.add(stage.toLowerCase());
        break;
      }
      case 'COPY':
      case 'ADD': {
        const from = /(?:^|\s)--from=(\S+)/.exec(rest)?.[1];
        if (from && !stages.has(from.toLowerCase()) && !/^\d+$/.test(from)) {
          images.push(interpolate(from, globalArgs));
        }
        break;
      }
    }
  }
  return [...new Set(images)];
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
