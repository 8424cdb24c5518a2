// Test helpers for the caller half: a fake clock and a fault-injecting token endpoint.
export * from './fake-clock.js';
export * from './fake-token-endpoint.js';
export * from './wait-until.js';
