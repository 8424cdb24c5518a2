/** Receives every event of a channel. */
export type Listener<E> = (event: E) => void;

/**
 * The one event mechanism of the library (ADR 0017): synchronous, typed, with listeners that
 * can never change an outcome (a throwing listener is ignored). Event `type`s are snake_case
 * names of what happened (`validation`, `jwks_fetch`, `token_request`, `circuit_opened`), and
 * payloads carry fingerprints and codes, never a token or a secret.
 */
export class EventChannel<E> {
  private readonly listeners = new Set<Listener<E>>();

  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: Listener<E>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether anyone listens, so that a hot path can skip building an event nobody reads. */
  get observed(): boolean {
    return this.listeners.size > 0;
  }

  emit(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // Observers must not change the outcome of what they observe.
      }
    }
  }
}
