/**
 * `npm run stand-in-images`: builds, loads or keeps a stand-in for every image the stack needs
 * and no registry can give this machine (see README.md beside this file).
 *
 *   npm run stand-in-images            every image of docker-compose.yml (or $COMPOSE_FILE)
 *   npm run stand-in-images -- --list  what would be used, with resolved versions and keys
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { imageUses } from './image-uses.js';
import { StandInBuilder, describe } from './stand-in-builder.js';

const REPO_ROOT = join(__dirname, '..', '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

function standInCacheDir(): string {
  if (process.env.STAND_IN_CACHE_DIR) return process.env.STAND_IN_CACHE_DIR;
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'keycloak-m2m-nestjs', 'stand-in-images');
}

function composeFiles(): string[] {
  const files = process.env.COMPOSE_FILE?.split(process.env.COMPOSE_PATH_SEPARATOR ?? ':');
  return (files?.length ? files : ['docker-compose.yml']).map((file) => resolve(REPO_ROOT, file));
}

async function main(): Promise<void> {
  const listOnly = process.argv.includes('--list');
  const cacheDir = standInCacheDir();
  const builder = new StandInBuilder(cacheDir, (line) => say(`  ${line}`));
  const uses = imageUses(composeFiles());
  say(`stand-in images for ${uses.length} image(s) (cache: ${cacheDir})`);
  if (listOnly) {
    for (const use of uses) {
      const planned = await builder.plan(use.name);
      say(
        `  ${use.name}  [${planned.recipe.id} ${planned.key}]  ${describe(planned.versions)}  (${use.usedBy})`,
      );
    }
    return;
  }
  // All at once: builds wait on downloads as much as on the CPU, and a shared base is built once.
  const outcomes = await Promise.allSettled(
    uses.map(async (use) => {
      const ensured = await builder.ensure(use.name);
      say(
        `  ${use.name}: ${ensured.outcome} in ${ensured.seconds.toFixed(0)} s, ` +
          `${(ensured.bytes / 1e6).toFixed(0)} MB (${describe(ensured.versions)})`,
      );
    }),
  );
  const failures = outcomes.flatMap((outcome, index) =>
    outcome.status === 'rejected'
      ? [
          `${uses[index].name}: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`,
        ]
      : [],
  );
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `stand-in-images: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
