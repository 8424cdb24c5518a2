import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { resolvePlaceholders } from './placeholders';
import type { RealmRepresentation } from './realm-representation';

/** One realm source after reading and placeholder resolution. */
export interface LoadedRealmSource {
  representation: RealmRepresentation;
  /** File path, or `inline realm #<n>` for an object. */
  source: string;
  /** Variables without value or default (names only). */
  unresolved: string[];
  /** Realm name taken from the file name because the JSON has no `realm` (not importable as is). */
  nameFromFile: boolean;
}

/**
 * Reads a realm file (or takes an object) and resolves `${VAR}` placeholders from `env`. Returns
 * a problem text instead of throwing so start-up can list every bad source at once. A file named
 * `<x>-realm.json` must hold realm `<x>` (Keycloak 26.2+ refuses the import otherwise, facts §6).
 */
export async function loadRealmSource(
  source: string | Record<string, unknown>,
  index: number,
  env: Record<string, string | undefined>,
): Promise<LoadedRealmSource | string> {
  let raw: unknown = source;
  const label = typeof source === 'string' ? source : `inline realm #${index + 1}`;
  if (typeof source === 'string') {
    try {
      raw = JSON.parse(await readFile(source, 'utf8'));
    } catch (error) {
      return `${label}: ${(error as Error).message}`;
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return `${label}: a realm must be a JSON object`;
  }
  const { value, unresolved } = resolvePlaceholders(raw as RealmRepresentation, env);
  const fileName = typeof source === 'string' ? basename(source) : undefined;
  const suffix = fileName?.match(/^(.+)-realm\.json$/)?.[1];
  if (typeof value.realm !== 'string' || value.realm === '') {
    if (!fileName) return `${label}: "realm" (the realm name) is missing`;
    value.realm = suffix ?? fileName.replace(/\.json$/, '');
    return { representation: value, source: label, unresolved, nameFromFile: true };
  }
  if (suffix !== undefined && suffix !== value.realm) {
    return `${label}: file name says realm "${suffix}" but the file holds realm "${value.realm}" (Keycloak 26.2+ refuses this import)`;
  }
  return { representation: value, source: label, unresolved, nameFromFile: false };
}
