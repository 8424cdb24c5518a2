/** Stops the real Keycloak the global setup started (the JVM and its data directory go). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.realKeycloak?.stop();
  globalThis.realKeycloak = undefined;
}
