import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../run-command.js';
import type { StandInRecipe } from '../stand-in-recipe.js';
import { STAND_IN_BASE } from './debian-base.recipe.js';

const REPOSITORIES = [
  'quay.io/keycloak/keycloak',
  'keycloak/keycloak',
  'docker.io/keycloak/keycloak',
];
const TAG = /^\d+\.\d+\.\d+$/;
/** Debian bookworm's newest OpenJDK; the official image runs OpenJDK 21 from UBI 9. */
const JRE_PACKAGE = 'openjdk-17-jre-headless';

/**
 * `quay.io/keycloak/keycloak:<version>`: Maven Central's `org.keycloak:keycloak-quarkus-dist`
 * zip (the same server the official image unpacks) in /opt/keycloak, and Debian's OpenJDK,
 * arranged as the official Dockerfile does: a build stage unpacks the server and the runtime
 * (cacerts and config are symlinks out of Debian's JDK, so it is copied dereferenced), the image
 * copies both, /opt/keycloak (data/ included) owned by 1000:0 and group-writable, user 1000,
 * KC_RUN_IN_CONTAINER=true, ports 8080/8443/9000, entrypoint kc.sh.
 */
export const keycloakRecipe: StandInRecipe = {
  id: 'keycloak',
  builtFrom: `Maven Central: org.keycloak:keycloak-quarkus-dist:<version>:zip, Debian's ${JRE_PACKAGE}`,
  base: STAND_IN_BASE,
  definedIn: [__filename],
  matches: (image) => REPOSITORIES.includes(image.repository) && TAG.test(image.tag),
  resolve: (image) => Promise.resolve({ keycloak: image.tag, jre: JRE_PACKAGE }),
  async prepare(_image, versions, context) {
    const version = versions.keycloak;
    await runCommand('mvn', [
      '-B',
      '-q',
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
      `-Dartifact=org.keycloak:keycloak-quarkus-dist:${version}:zip`,
      `-DoutputDirectory=${context}`,
    ]);
    await writeFile(
      join(context, 'Dockerfile'),
      `FROM ${STAND_IN_BASE} AS build
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ${versions.jre} unzip \\
 && rm -rf /var/lib/apt/lists/*
COPY keycloak-quarkus-dist-${version}.zip /tmp/
RUN set -eux; \\
    unzip -q /tmp/keycloak-quarkus-dist-${version}.zip -d /tmp/keycloak; \\
    mv /tmp/keycloak/keycloak-${version} /opt/keycloak; \\
    mkdir -p /opt/keycloak/data; \\
    chmod -R g+rwX /opt/keycloak; \\
    java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; \\
    cp -rL "$java_home" /tmp/jre; \\
    test -f /tmp/jre/lib/security/cacerts

FROM ${STAND_IN_BASE}
ENV LANG=C.UTF-8 \\
    KC_RUN_IN_CONTAINER=true
COPY --from=build /tmp/jre /usr/lib/jvm/jre
COPY --from=build --chown=1000:0 /opt/keycloak /opt/keycloak
RUN ln -s /usr/lib/jvm/jre/bin/java /usr/bin/java \\
 && java -version \\
 && echo "keycloak:x:0:root" >> /etc/group \\
 && echo "keycloak:x:1000:0:keycloak user:/opt/keycloak:/sbin/nologin" >> /etc/passwd
USER 1000
EXPOSE 8080
EXPOSE 8443
EXPOSE 9000
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
`,
    );
  },
};
