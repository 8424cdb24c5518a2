/** An image name as compose and Dockerfiles write it: `[registry/]repository:tag`. */
export interface ImageReference {
  /** Exactly as written (after interpolation): the tag the stand-in is given. */
  readonly name: string;
  /** `node`, `quay.io/keycloak/keycloak`, `axllent/mailpit`: everything before the tag. */
  readonly repository: string;
  readonly tag: string;
}

/** Parses `node:24-slim` or `quay.io/keycloak/keycloak:26.6.4`; digests and missing tags throw. */
export function parseImageReference(name: string): ImageReference {
  if (name.includes('@')) {
    throw new Error(`${name}: a digest names one registry's bytes; a stand-in can only take a tag`);
  }
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon === -1) {
    throw new Error(`${name}: no tag; pin the image to a version`);
  }
  return { name, repository: name.slice(0, colon), tag: name.slice(colon + 1) };
}
