import type { ImageReference } from './image-reference.js';

/** Exact upstream versions (and anything else baked in) behind one tag; they key the cache. */
export type Versions = Record<string, string>;

/**
 * How to build a stand-in for one family of images from upstream releases that this machine's
 * package registries serve. Adding an image to the stack means adding one recipe to `recipes.ts`.
 */
export interface StandInRecipe {
  readonly id: string;
  /** Where the stand-in comes from, in one line (printed, and the docs' table follows it). */
  readonly builtFrom: string;
  /** The stand-in base image this recipe's Dockerfile starts from, when it uses one. */
  readonly base?: string;
  /** The files that define the recipe: a change to any of them rebuilds the image. */
  readonly definedIn: string[];
  matches(image: ImageReference): boolean;
  resolve(image: ImageReference): Promise<Versions>;
  /** Writes a Dockerfile and the files it copies into `context`, an empty directory. */
  prepare(image: ImageReference, versions: Versions, context: string): Promise<void>;
}
