import { readPair } from '../../scripts/rename/pair.js';

/** The pair's names (pair.json), for tests where the name is incidental (ADR 0016). */
export const PAIR = readPair();
