// Filled by the receiver half (issue #4): the public surface of libs/auth/src/receiver.
export {};
