// Test helpers ('@app/auth/testing'): imported by specs across the repository, never by apps at run time.
export * from './caller';
export * from './receiver';
