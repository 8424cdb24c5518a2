import type { RealmRepresentation } from './realm-representation';

/** Names of the features in a realm representation this server accepts but does not emulate. */
export function unemulatedFeatures(rep: RealmRepresentation): string[] {
  const features: string[] = [];
  for (const client of rep.clients ?? []) {
    const id = client.clientId ?? '?';
    if (client.standardFlowEnabled !== false)
      features.push(`standard flow / browser login (${id})`);
    if (client.authorizationServicesEnabled) features.push(`authorization services (${id})`);
  }
  return features;
}
