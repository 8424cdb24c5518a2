import type { ImageReference } from './image-reference.js';
import { debianBaseRecipe } from './recipes/debian-base.recipe.js';
import { jaegerRecipe } from './recipes/jaeger.recipe.js';
import { keycloakRecipe } from './recipes/keycloak.recipe.js';
import { mailpitRecipe } from './recipes/mailpit.recipe.js';
import { nodeRecipe } from './recipes/node.recipe.js';
import { postgresRecipe } from './recipes/postgres.recipe.js';
import type { StandInRecipe } from './stand-in-recipe.js';

/** Every image the stack may name, and how its stand-in is built. One entry per image family. */
export const RECIPES: StandInRecipe[] = [
  debianBaseRecipe,
  nodeRecipe,
  keycloakRecipe,
  mailpitRecipe,
  jaegerRecipe,
  postgresRecipe,
];

export function recipeFor(image: ImageReference, recipes = RECIPES): StandInRecipe {
  const recipe = recipes.find((candidate) => candidate.matches(image));
  if (!recipe) {
    throw new Error(
      `no stand-in recipe builds ${image.name}: add one to scripts/stand-in-images/recipes.ts ` +
        '(see scripts/stand-in-images/README.md)',
    );
  }
  return recipe;
}
