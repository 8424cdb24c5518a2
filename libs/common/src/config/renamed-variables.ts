// Environment variables a rename of the pair retired (old name: the name that replaced it).
// Written by `npm run rename` (scripts/rename, docs/renaming.md); empty until the first rename.
// A retired variable that is still set stops start-up, naming both, instead of being ignored.
export const RENAMED_VARIABLES: Readonly<Record<string, string>> = {};
