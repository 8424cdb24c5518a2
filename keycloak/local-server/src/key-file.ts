import { readFile, writeFile } from 'node:fs/promises';
import { RealmKeys, type StoredKey } from './realm-keys.js';

/** Content of a key file: per realm, its private JWKs (signing keys newest first, then `enc`). */
export interface KeyFileContent {
  realms: Record<string, StoredKey[]>;
}

async function readKeyFile(path: string): Promise<KeyFileContent> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as KeyFileContent;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { realms: {} };
    throw new Error(`keyFile ${path} is not a readable key file: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Keys for each realm: from the key file when it has them, otherwise generated. With a key file,
 * newly generated keys are written back, so the next start (same file) publishes the same keys.
 */
export async function loadRealmKeys(
  realmNames: string[],
  keyFile: string | undefined,
): Promise<Map<string, RealmKeys>> {
  const content = keyFile ? await readKeyFile(keyFile) : { realms: {} };
  const keys = new Map<string, RealmKeys>();
  let generated = false;
  await Promise.all(
    realmNames.map(async (realm) => {
      const stored = content.realms[realm];
      const restored = stored ? RealmKeys.restore(stored) : undefined;
      if (restored) {
        keys.set(realm, restored);
        return;
      }
      keys.set(realm, await RealmKeys.generate(realm));
      generated = true;
    }),
  );
  if (keyFile && generated) await saveKeyFile(keyFile, keys, content);
  return keys;
}

/** Writes the keys (private material: file mode 0600), keeping other realms already in the file. */
export async function saveKeyFile(
  keyFile: string,
  keys: Map<string, RealmKeys>,
  previous: KeyFileContent = { realms: {} },
): Promise<void> {
  const realms = { ...previous.realms };
  for (const [realm, realmKeys] of keys) realms[realm] = realmKeys.store();
  await writeFile(keyFile, `${JSON.stringify({ realms }, null, 2)}\n`, { mode: 0o600 });
}

/** Creates (or completes) a key file for the given realms; handy before a first start. */
export async function generateKeyFile(path: string, realmNames: string[]): Promise<void> {
  await loadRealmKeys(realmNames, path);
}
