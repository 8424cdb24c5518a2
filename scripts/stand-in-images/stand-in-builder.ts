import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageReference, type ImageReference } from './image-reference.js';
import { recipeFor } from './recipes.js';
import { runCommand } from './run-command.js';
import type { StandInRecipe, Versions } from './stand-in-recipe.js';

/** Labels every stand-in carries: the cache key it was built for, and what went into it. */
export const KEY_LABEL = 'keycloak-m2m-nestjs.stand-in.key';
export const VERSIONS_LABEL = 'keycloak-m2m-nestjs.stand-in.versions';

export interface PlannedImage {
  readonly image: ImageReference;
  readonly recipe: StandInRecipe;
  readonly versions: Versions;
  /** Hash of the recipe's files, the resolved versions and the base image's key. */
  readonly key: string;
}

export type Outcome = 'present' | 'loaded' | 'built';

export interface EnsuredImage extends PlannedImage {
  readonly outcome: Outcome;
  readonly seconds: number;
  readonly bytes: number;
}

/**
 * Makes each stand-in present in the Docker engine `docker` talks to (DOCKER_HOST): already
 * there with the same key, else loaded from the machine's cache (`docker save` archives named by
 * image and key), else built by its recipe and saved to the cache. A version bump, a new upstream
 * release behind a floating tag or an edited recipe changes the key, so the image is rebuilt.
 */
export class StandInBuilder {
  private readonly plans = new Map<string, Promise<PlannedImage>>();
  private readonly ensured = new Map<string, Promise<EnsuredImage>>();

  constructor(
    private readonly cacheDir: string,
    private readonly log: (line: string) => void,
  ) {}

  plan(name: string): Promise<PlannedImage> {
    let planned = this.plans.get(name);
    if (!planned) {
      planned = this.resolvePlan(name);
      this.plans.set(name, planned);
    }
    return planned;
  }

  ensure(name: string): Promise<EnsuredImage> {
    let ensured = this.ensured.get(name);
    if (!ensured) {
      ensured = this.plan(name).then((planned) => this.make(planned));
      this.ensured.set(name, ensured);
    }
    return ensured;
  }

  private async resolvePlan(name: string): Promise<PlannedImage> {
    const image = parseImageReference(name);
    const recipe = recipeFor(image);
    const versions = await recipe.resolve(image);
    const base = recipe.base ? (await this.plan(recipe.base)).key : '';
    const definition = createHash('sha256');
    for (const file of recipe.definedIn) definition.update(await readFile(file));
    const key = createHash('sha256')
      .update(JSON.stringify({ name, recipe: recipe.id, versions, base }))
      .update(definition.digest())
      .digest('hex')
      .slice(0, 16);
    return { image, recipe, versions, key };
  }

  private async make(planned: PlannedImage): Promise<EnsuredImage> {
    const started = Date.now();
    const { image, key } = planned;
    let outcome: Outcome = 'present';
    if ((await engineKey(image.name)) !== key) {
      const archive = join(this.cacheDir, `${slug(image.name)}--${key}.tar`);
      if (existsSync(archive)) {
        this.log(`${image.name}: loading ${archive}`);
        await runCommand('docker', ['load', '--quiet', '--input', archive]);
        outcome = 'loaded';
      } else {
        await this.build(planned, archive);
        outcome = 'built';
      }
      if ((await engineKey(image.name)) !== key) {
        throw new Error(`${image.name}: the engine does not hold the stand-in with key ${key}`);
      }
    }
    const bytes = Number(
      await runCommand('docker', ['image', 'inspect', '--format', '{{.Size}}', image.name]),
    );
    return { ...planned, outcome, bytes, seconds: (Date.now() - started) / 1000 };
  }

  private async build(planned: PlannedImage, archive: string): Promise<void> {
    const { image, recipe, versions, key } = planned;
    if (recipe.base) await this.ensure(recipe.base);
    this.log(`${image.name}: building from ${recipe.builtFrom} (${describe(versions)})`);
    const context = await mkdtemp(join(tmpdir(), `stand-in-${recipe.id}-`));
    try {
      await recipe.prepare(image, versions, context);
      await runCommand('docker', [
        'build',
        '--force-rm',
        '--network',
        'host',
        '--label',
        `${KEY_LABEL}=${key}`,
        '--label',
        `${VERSIONS_LABEL}=${JSON.stringify(versions)}`,
        '--tag',
        image.name,
        context,
      ]);
    } finally {
      await rm(context, { recursive: true, force: true });
    }
    await mkdir(this.cacheDir, { recursive: true });
    const partial = `${archive}.partial`;
    await runCommand('docker', ['save', '--output', partial, image.name]);
    await rename(partial, archive);
    for (const file of await readdir(this.cacheDir)) {
      const stale =
        file.startsWith(`${slug(image.name)}--`) && join(this.cacheDir, file) !== archive;
      if (stale) await rm(join(this.cacheDir, file), { force: true });
    }
  }
}

async function engineKey(name: string): Promise<string | undefined> {
  const label = await runCommand('docker', [
    'image',
    'inspect',
    '--format',
    `{{ index .Config.Labels "${KEY_LABEL}" }}`,
    name,
  ]).catch(() => undefined);
  const value = label?.trim();
  return value && value !== '<no value>' ? value : undefined;
}

/** `quay.io/keycloak/keycloak:26.6.4` → `quay.io_keycloak_keycloak_26.6.4` (a file name). */
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9.-]+/g, '_');
}

export function describe(versions: Versions): string {
  return Object.entries(versions)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}
