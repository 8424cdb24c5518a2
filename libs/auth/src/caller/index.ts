// Filled by the caller half (issue #3): the public surface of libs/auth/src/caller.
export {};
