// Test helpers for the caller half: a fake clock and a fault-injecting token endpoint.
export * from './fake-clock';
export * from './fake-token-endpoint';
export * from './wait-until';
