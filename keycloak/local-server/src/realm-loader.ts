import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { resolvePlaceholders } from './placeholders.js';
import type { RealmRepresentation } from './realm-representation.js';

/** One realm source after reading and placeholder resolution. */
export interface LoadedRealmSource {
  representation: RealmRepresentation;
  /** File path, or `inline realm #<n>` for an object. */
  source: string;
  /** Variables without value or default (names only). */
  unresolved: string[];
  /** Why real Keycloak 26.2+ would refuse this file, when it would (served anyway, with a warning). */
  importProblem?: string;
}

/**
 * Reads a realm file (or takes an object) and resolves `${VAR}` placeholders from `env`. Returns
 * a problem text instead of throwing so start-up can list every bad source at once. A file that
 * Keycloak would refuse (no realm name; `<x>-realm.json` holding another realm, facts §6) is
 * served anyway and the reason is kept for the warning line.
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
  const result: LoadedRealmSource = { representation: value, source: label, unresolved };
  if (typeof value.realm !== 'string' || value.realm === '') {
    if (!fileName) return `${label}: "realm" (the realm name) is missing`;
    value.realm = suffix ?? fileName.replace(/\.json$/, '');
    result.importProblem = `the file has no "realm" name (served as "${value.realm}")`;
  } else if (suffix !== undefined && suffix !== value.realm) {
    result.importProblem = `the file name says realm "${suffix}" but the file holds realm "${value.realm}" (Keycloak 26.2+ refuses this import)`;
  }
  return result;
}
