// Test helpers ('@app/auth/testing'): imported by specs across the repository, never by apps at run time.
export * from './caller/index.js';
export * from './receiver/index.js';
