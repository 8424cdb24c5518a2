/** Provider token: the app's prom-client Registry (one per app instance, not the global one). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
